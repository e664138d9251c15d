"""A brute-force business calendar, minute by minute, to check the real one against.

It shares no code with successdesk.domain.calendars. It walks real minutes in UTC,
converts each to local wall time and asks whether that wall time falls in an open window
of its local date (the date's closure windows, else nothing on a holiday, else the weekly
hours). That is the documented rule, DST gaps and overlaps included.

It is exact for any start and duration (sub-minute too) as long as every window edge is
on a whole minute and the zone's UTC offsets change on whole minutes (true of every zone
since 1970): then each real minute is either wholly open or wholly closed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTE = timedelta(minutes=1)
Window = tuple[time, time]


@dataclass
class OracleCalendar:
    tz: str
    hours: Mapping[int, Sequence[Window]]
    holidays: frozenset[date] = frozenset()
    closures: Mapping[date, Sequence[Window]] = field(default_factory=dict)
    max_minutes: int = 200_000  # a walk longer than this is a bug in the test, not slowness

    def windows(self, day: date) -> Sequence[Window]:
        if day in self.closures:
            return self.closures[day]
        if day in self.holidays:
            return ()
        return self.hours.get(day.weekday(), ())

    def minute_is_open(self, minute: datetime) -> bool:
        """Whether the real minute starting at ``minute`` (UTC, whole minute) is open."""
        local = minute.astimezone(ZoneInfo(self.tz))
        wall = local.time().replace(fold=0)
        return any(
            start <= wall and (end == time(0) or wall < end)
            for start, end in self.windows(local.date())
        )

    def _walk(self, start: datetime) -> tuple[datetime, datetime]:
        """The whole minute containing ``start`` (UTC) and its end."""
        t = start.astimezone(UTC)
        floor = t.replace(second=0, microsecond=0)
        return floor, floor + MINUTE

    def is_open(self, at: datetime) -> bool:
        return self.minute_is_open(self._walk(at)[0])

    def add(self, start: datetime, duration: timedelta) -> datetime:
        t = start.astimezone(UTC)
        left = duration
        for _ in range(self.max_minutes):
            minute, minute_end = self._walk(t)
            if self.minute_is_open(minute):
                if left == timedelta(0):
                    return t
                if left <= minute_end - t:
                    return t + left
                left -= minute_end - t
            t = minute_end
        raise AssertionError("oracle walked too far")

    def between(self, start: datetime, end: datetime) -> timedelta:
        t, end = start.astimezone(UTC), end.astimezone(UTC)
        total = timedelta(0)
        while t < end:
            minute, minute_end = self._walk(t)
            stop = min(minute_end, end)
            if self.minute_is_open(minute):
                total += stop - t
            t = stop
        return total
