"""Business calendars from configuration: the vendor's phone line and stored calendars."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.conf import settings

from successdesk.domain.calendars import BusinessCalendar
from successdesk.domain.errors import CalendarError

from .models import Calendar

Hours = dict[int, list[tuple[time, time]]]
VENDOR_PHONE = "vendor-phone"


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


def vendor_phone_fields() -> dict[str, Any]:
    """The stored phone calendar's first values, from the VENDOR_PHONE_* settings."""
    hours = parse_weekly_hours(settings.VENDOR_PHONE_HOURS)
    return {
        "time_zone": settings.VENDOR_PHONE_TIME_ZONE,
        "weekly_hours": {
            str(day): [[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b in windows]
            for day, windows in sorted(hours.items())
        },
        "holiday_country": settings.VENDOR_HOLIDAY_COUNTRY,
        "holiday_subdivision": settings.VENDOR_HOLIDAY_SUBDIVISION,
    }


_built: dict[tuple[Any, ...], BusinessCalendar] = {}


def calendar_built(calendar: Calendar) -> BusinessCalendar:
    """A loaded stored calendar as a domain calendar, built once per edit: the cache key is
    its ``updated_at``, which moves when it is saved and when one of its closures is
    saved or deleted. A caller that loaded the row with its other data (a subscription's
    package version) pays no query for a calendar already built."""
    key = (calendar.slug, calendar.pk, calendar.updated_at)
    built = _built.get(key)
    if built is None:
        if len(_built) > 64:
            _built.clear()
        built = _built[key] = calendar.build()
    return built


def stored_calendar(slug: str) -> BusinessCalendar | None:
    """The stored calendar ``slug`` as a domain calendar, rebuilt only after an edit."""
    calendar = Calendar.objects.filter(slug=slug).first()
    return calendar_built(calendar) if calendar is not None else None


def vendor_phone_calendar() -> BusinessCalendar:
    """The vendor's phone-support hours: the stored "vendor-phone" calendar (admins edit it),
    by default Mon–Fri 08:00–20:00 America/Toronto closed on Ontario and Canadian
    statutory holidays — the terms' "twelve hours a day, five days a week"."""
    stored = stored_calendar(VENDOR_PHONE)
    if stored is not None:
        return stored
    fields = vendor_phone_fields()
    return BusinessCalendar.from_config(
        tz=fields["time_zone"],
        hours=parse_weekly_hours(settings.VENDOR_PHONE_HOURS),
        country=fields["holiday_country"] or None,
        subdiv=fields["holiday_subdivision"] or None,
    )
