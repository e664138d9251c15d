"""Business calendars: weekly hours in a time zone, holidays and closures.

An instant is *open* when its local wall-clock time, on its local date, falls inside an
open window of that date. Windows are wall-clock times and open time is real elapsed
time, so a window that spans a DST change holds an hour less or more that day (a 24x7 day
has 23 or 25 hours). A wall time inside a spring-forward gap never happens (a window edge
in the gap acts as the first instant after the gap); a wall time in a fall-back overlap
happens twice and is open both times. docs/sla.md explains the rules with examples.

The domain never reads the clock: every query takes the instant explicitly.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_package

from successdesk.domain import _timeline as tl
from successdesk.domain.errors import CalendarError, InvalidInput

Window = tuple[time, time]
"""An open window in local wall time; ``time(0)`` as the end means midnight (end of day)."""

DASH = "\N{EN DASH}"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ABBR = tuple(name[:3] for name in WEEKDAYS)
_MIDNIGHT = time(0)
_WHOLE_DAY: tuple[Window, ...] = ((_MIDNIGHT, _MIDNIGHT),)
_EPOCH_DATE = date(1970, 1, 1)
DEFAULT_HOLIDAY_YEARS = range(2020, 2041)
_EPOCH, _US, _MIN_US, _MAX_US, _to_datetime = tl.EPOCH, tl.US, tl.MIN_US, tl.MAX_US, tl.to_datetime
NEXT_CLOSE_HORIZON = timedelta(days=366)


def holiday_names(
    country: str, subdiv: str | None = None, years: Iterable[int] = DEFAULT_HOLIDAY_YEARS
) -> dict[date, str]:
    """Public holidays (including observed days) from the ``holidays`` package: date -> name."""
    try:
        found = holidays_package.country_holidays(country, subdiv=subdiv, years=list(years))
    except NotImplementedError as error:
        raise CalendarError(
            f"No holiday data for country {country!r}, subdivision {subdiv!r}: {error}. "
            "Use an ISO 3166 country code and one of its subdivision codes.",
            field="country",
        ) from None
    return {day: str(name) for day, name in sorted(found.items())}


def holidays_for(
    country: str, subdiv: str | None = None, years: Iterable[int] = DEFAULT_HOLIDAY_YEARS
) -> frozenset[date]:
    """The dates of :func:`holiday_names`, to pass to a calendar as ``holidays``."""
    return frozenset(holiday_names(country, subdiv, years))


def _fmt_time(value: time, *, end: bool = False) -> str:
    if end and value == _MIDNIGHT:
        return "24:00"
    if value.second or value.microsecond:
        return value.isoformat()
    return value.strftime("%H:%M")


def _fmt_windows(windows: Sequence[Window]) -> str:
    return ", ".join(f"{_fmt_time(s)}{DASH}{_fmt_time(e, end=True)}" for s, e in windows)


def _seconds_of_day(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * tl.SECOND_US + value.microsecond


def _normalize(windows: Sequence[Window], where: str) -> tuple[Window, ...]:
    """Check a sequence of (start, end) windows (their types are the boundary's to check:
    the calendar model and the settings parse them); sort them and join touching ones.
    ``where`` names the weekday or date in messages."""
    pairs: list[Window] = []
    for window in windows:
        if window[0].tzinfo is not None or window[1].tzinfo is not None:
            raise CalendarError(
                f"{where}: each window must be a (start, end) pair of naive datetime.time "
                f"values in local wall time; got {window!r}."
            )
        start, end = window[0].replace(fold=0), window[1].replace(fold=0)
        if not (start < end or end == _MIDNIGHT):
            raise CalendarError(
                f"{where}: window {_fmt_time(start)}{DASH}{_fmt_time(end)} does not end after it "
                "starts. Use time(0) as the end for midnight, and split overnight shifts at "
                "midnight into two days."
            )
        pairs.append((start, end))
    pairs.sort()
    merged: list[Window] = []
    for start, end in pairs:
        if merged:
            prev_start, prev_end = merged[-1]
            if prev_end == _MIDNIGHT or start < prev_end:
                raise CalendarError(
                    f"{where}: windows {_fmt_windows([merged[-1]])} and "
                    f"{_fmt_windows([(start, end)])} overlap; give each open period once."
                )
            if start == prev_end:
                merged[-1] = (prev_start, end)
                continue
        merged.append((start, end))
    return tuple(merged)


def _to_us_windows(windows: tuple[Window, ...]) -> tl.Windows:
    return tuple(
        (_seconds_of_day(s), tl.DAY_US if e == _MIDNIGHT else _seconds_of_day(e))
        for s, e in windows
    )


_RANGE = f"{tl.to_datetime(_MIN_US, UTC).date()} to {tl.to_datetime(_MAX_US - 1, UTC).date()} UTC"
_DURATIONS: dict[timedelta, int] = {}  # validated durations -> microseconds (a memo)
_fromtimestamp = datetime.fromtimestamp


def _duration_us(duration: timedelta) -> int:
    """Microseconds of a non-negative timedelta, memoized; a negative one is refused."""
    if duration < timedelta(0):
        raise InvalidInput(f"duration must not be negative; got {duration}.", field="duration")
    if len(_DURATIONS) >= 4096:
        _DURATIONS.clear()
    d = _DURATIONS[duration] = duration // _US
    return d


def _instant(value: datetime, name: str) -> int:
    """Epoch microseconds of an aware datetime; naive or out-of-range input is refused."""
    try:
        us: int = (value - tl.EPOCH) // tl.US
    except TypeError:
        raise InvalidInput(
            f"{name} must be a timezone-aware datetime (e.g. with tzinfo=ZoneInfo(...)); "
            f"got {value!r}.",
            field=name,
        ) from None
    if not tl.MIN_US <= us < tl.MAX_US:
        raise InvalidInput(
            f"{name} {value.isoformat()} is outside the supported range {_RANGE}.", field=name
        )
    return us


class BusinessCalendar:
    """Weekly open hours in a time zone, minus holidays, with per-date closures.

    ``tz``: an IANA zone name or a ``ZoneInfo``.
    ``hours``: weekday (0 = Monday ... 6 = Sunday) -> sequence of ``(start, end)`` windows
    in local wall time; several per day are allowed, ``end == time(0)`` means midnight.
    ``holidays``: dates closed all day (a ``Mapping[date, str]`` such as a ``holidays``
    object also gives their names, used by explanations).
    ``closures``: date -> that date's own windows (possibly empty = closed all day),
    replacing its weekly hours and any holiday; e.g. ``{date(2026, 12, 24): [(time(8),
    time(12))]}`` closes at noon on Christmas Eve.
    """

    __slots__ = ("_closures", "_description", "_key", "_names", "_timeline", "_tz", "_weekly")

    def __init__(
        self,
        tz: str | ZoneInfo,
        hours: Mapping[int, Sequence[Window]],
        holidays: Iterable[date] | Mapping[date, str] = (),
        closures: Mapping[date, Sequence[Window]] | None = None,
    ) -> None:
        self._tz = _zone(tz)
        weekly: list[tuple[Window, ...]] = [()] * 7
        for weekday, windows in hours.items():
            if not 0 <= weekday <= 6:
                raise CalendarError(
                    f"hours must be keyed by weekday 0 (Monday) to 6 (Sunday); got {weekday!r}."
                )
            weekly[weekday] = _normalize(windows, WEEKDAYS[weekday])
        if not any(weekly):
            raise CalendarError(
                "The calendar has no open hours in the week: give at least one window "
                "(it would never open, so no due time could be found)."
            )
        self._weekly = tuple(weekly)
        names = holidays if isinstance(holidays, Mapping) else dict.fromkeys(holidays, "holiday")
        self._names: dict[date, str] = {day: str(name) for day, name in names.items()}
        self._closures: dict[date, tuple[Window, ...]] = {
            day: _normalize(windows, f"closure on {day}")
            for day, windows in (closures or {}).items()
        }
        special: dict[int, tl.Windows] = dict.fromkeys(
            ((day - _EPOCH_DATE).days for day in self._names), ()
        )
        for day, windows in self._closures.items():
            special[(day - _EPOCH_DATE).days] = _to_us_windows(windows)
        self._timeline: tl.Timeline | None = None
        if self._names or self._closures or self._weekly != (_WHOLE_DAY,) * 7:
            self._timeline = tl.Timeline(
                self._tz, tuple(_to_us_windows(w) for w in self._weekly), special
            )
        self._description = _describe(self._weekly, self._tz)
        self._key = (
            str(self._tz),
            self._weekly,
            frozenset(self._names),
            tuple(sorted(self._closures.items())),
        )

    # -- constructors ---------------------------------------------------------------------

    @classmethod
    def from_config(
        cls,
        *,
        tz: str | ZoneInfo,
        hours: Mapping[int, Sequence[Window]],
        country: str | None = None,
        subdiv: str | None = None,
        years: Iterable[int] = DEFAULT_HOLIDAY_YEARS,
        holidays: Iterable[date] | Mapping[date, str] = (),
        closures: Mapping[date, Sequence[Window]] | None = None,
    ) -> BusinessCalendar:
        """A calendar closed on ``country``/``subdiv`` public holidays over ``years`` (from
        the ``holidays`` package) plus the vendor's own ``holidays`` and ``closures``."""
        names = holiday_names(country, subdiv, years) if country else {}
        extra = holidays if isinstance(holidays, Mapping) else dict.fromkeys(holidays, "holiday")
        names.update(extra)
        return cls(tz, hours, names, closures)

    @classmethod
    def always_open(cls, tz: str | ZoneInfo = "UTC") -> BusinessCalendar:
        """A 24x7 calendar (open every instant); its queries are plain arithmetic."""
        return _always_open(str(_zone(tz)))

    # -- description ----------------------------------------------------------------------

    @property
    def tz(self) -> ZoneInfo:
        return self._tz

    @property
    def hours(self) -> Mapping[int, tuple[Window, ...]]:
        """Weekday -> its normalized windows (sorted, touching windows joined)."""
        return MappingProxyType({d: w for d, w in enumerate(self._weekly) if w})

    @property
    def holidays(self) -> Mapping[date, str]:
        """Dates closed all day -> their names ("holiday" when not known)."""
        return MappingProxyType(self._names)

    @property
    def closures(self) -> Mapping[date, tuple[Window, ...]]:
        return MappingProxyType(self._closures)

    @property
    def is_always_open(self) -> bool:
        return self._timeline is None

    def describe(self) -> str:
        """The weekly hours in a line, e.g. ``Mon-Fri 08:00-20:00 America/Toronto``."""
        return self._description

    def __repr__(self) -> str:
        return (
            f"BusinessCalendar({self._description!r}, holidays={len(self._names)}, "
            f"closures={len(self._closures)})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BusinessCalendar):
            return NotImplemented
        return self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def windows_on(self, day: date) -> tuple[Window, ...]:
        """The open windows of a local date (its closure, else () on a holiday, else the
        weekly hours)."""
        if day in self._closures:
            return self._closures[day]
        return () if day in self._names else self._weekly[day.weekday()]

    def closed_days(self, start: datetime, end: datetime) -> list[tuple[date, str]]:
        """Local dates from ``start``'s to ``end``'s (inclusive) with no open window, each
        with why: the holiday's name, "closure", or "weekend" (no weekly hours that day)."""
        _instant(start, "start")
        _instant(end, "end")
        day, last = start.astimezone(self._tz).date(), end.astimezone(self._tz).date()
        found: list[tuple[date, str]] = []
        while day <= last:
            if not self.windows_on(day):
                if day in self._closures:
                    found.append((day, "closure"))
                else:
                    found.append((day, self._names.get(day, "weekend")))
            day += timedelta(days=1)
        return found

    # -- queries --------------------------------------------------------------------------

    def _out(self, us: int) -> datetime:
        return _to_datetime(us, self._tz)

    def is_open(self, at: datetime) -> bool:
        t = _instant(at, "at")
        return self._timeline is None or self._timeline.is_open(t)

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself (in the calendar's zone) if open, else the next opening."""
        t = _instant(at, "at")
        return self._out(t if self._timeline is None else self._timeline.next_open(t))

    def next_close(self, at: datetime) -> datetime | None:
        """When the open period at (or else next after) ``at`` ends; None when it lasts
        more than a year (always for a 24x7 calendar)."""
        t = _instant(at, "at")
        if self._timeline is None:
            return None
        horizon = NEXT_CLOSE_HORIZON // tl.US
        end = self._timeline.next_close(t, horizon)
        return None if end is None else self._out(end)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which ``duration`` of open time has elapsed after ``start``.

        A zero duration gives :meth:`next_open`; a negative one is refused.
        """
        # The hot path of every SLA computation, kept lean: validated durations are
        # memoized, and zero, out-of-range and 24x7 cases go to _add_edge.
        try:
            s: int = (start - _EPOCH) // _US
            d = _DURATIONS[duration]
        except (TypeError, KeyError):
            s = _instant(start, "start")
            d = _duration_us(duration)
        timeline = self._timeline
        if d and _MIN_US <= s < _MAX_US and timeline is not None:
            seconds, micro = divmod(timeline.add(s, d), 1_000_000)
            result = _fromtimestamp(seconds, self._tz)
            return result.replace(microsecond=micro) if micro else result
        return self._add_edge(start, s, d)

    def _add_edge(self, start: datetime, s: int, d: int) -> datetime:
        _instant(start, "start")  # refuses an out-of-range start
        if self._timeline is not None:
            return self._out(self._timeline.next_open(s))  # d == 0
        if s + d >= _MAX_US:
            raise InvalidInput("The result would fall after year 9999.", field="duration")
        return self._out(s + d)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """The open time in ``[start, end)``; zero when ``end <= start``."""
        a, b = _instant(start, "start"), _instant(end, "end")
        if self._timeline is None:
            return timedelta(microseconds=max(b - a, 0))
        return timedelta(microseconds=self._timeline.between(a, b))


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    if isinstance(tz, ZoneInfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarError(
            f"Unknown time zone {tz!r}: use an IANA name such as 'America/Toronto'.", field="tz"
        ) from None


@functools.lru_cache(maxsize=64)
def _always_open(key: str) -> BusinessCalendar:
    return BusinessCalendar(key, dict.fromkeys(range(7), _WHOLE_DAY))


def _describe(weekly: tuple[tuple[Window, ...], ...], tz: ZoneInfo) -> str:
    if weekly == (_WHOLE_DAY,) * 7:
        return f"24/7 {tz}"
    groups: dict[tuple[Window, ...], list[int]] = {}
    for weekday, windows in enumerate(weekly):
        if windows:
            groups.setdefault(windows, []).append(weekday)
    parts = []
    for windows, days in groups.items():
        runs: list[list[int]] = []
        for day in days:
            if runs and runs[-1][-1] == day - 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        names = ", ".join(
            _ABBR[run[0]] if len(run) == 1 else f"{_ABBR[run[0]]}{DASH}{_ABBR[run[-1]]}"
            for run in runs
        )
        parts.append(f"{names} {_fmt_windows(windows)}")
    return f"{'; '.join(parts)} {tz}"


VENDOR_HOURS: Mapping[int, Sequence[Window]] = MappingProxyType(
    dict.fromkeys(range(5), ((time(8), time(20)),))
)


@functools.cache
def default_vendor_calendar() -> BusinessCalendar:
    """The vendor's phone hours: twelve hours a day, five days a week (Mon-Fri 08:00-20:00
    America/Toronto), closed on Ontario and Canadian statutory holidays 2020-2040."""
    return BusinessCalendar.from_config(
        tz="America/Toronto", hours=VENDOR_HOURS, country="CA", subdiv="ON"
    )
