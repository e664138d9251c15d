"""Business calendars built from configuration (the vendor's phone hours)."""

from __future__ import annotations

import functools
from datetime import time

from django.conf import settings

from successdesk.domain.calendars import BusinessCalendar, holidays_for
from successdesk.domain.errors import CalendarError

Hours = dict[int, list[tuple[time, time]]]


def parse_weekly_hours(spec: str) -> Hours:
    """Parse "0-4 08:00-20:00; 5 10:00-14:00" (weekday 0 = Monday) into weekly windows."""
    hours: Hours = {}
    for group in filter(None, (g.strip() for g in spec.split(";"))):
        try:
            days, *windows = group.split()
            first, _, last = days.partition("-")
            weekdays = range(int(first), int(last or first) + 1)
            parsed = []
            for window in windows:
                start, end = window.split("-")
                parsed.append((time.fromisoformat(start), time.fromisoformat(end)))
        except ValueError as exc:
            raise CalendarError(
                f"Cannot read the hours {group!r}: write e.g. '0-4 08:00-20:00' "
                "(weekdays 0 = Monday, then HH:MM-HH:MM windows).",
                field="hours",
            ) from exc
        for weekday in weekdays:
            if not 0 <= weekday <= 6:
                raise CalendarError(f"Weekday {weekday} is not 0 (Monday) to 6 (Sunday).")
            hours.setdefault(weekday, []).extend(parsed)
    return hours


@functools.cache
def vendor_phone_calendar() -> BusinessCalendar:
    """The terms' phone-support window: by default Mon–Fri 08:00–20:00, America/Toronto,
    closed on Ontario and Canadian statutory holidays."""
    return BusinessCalendar(
        settings.VENDOR_PHONE_TIME_ZONE,
        parse_weekly_hours(settings.VENDOR_PHONE_HOURS),
        holidays=holidays_for(
            settings.VENDOR_HOLIDAY_COUNTRY,
            settings.VENDOR_HOLIDAY_SUBDIVISION or None,
            range(2020, 2041),
        ),
    )
