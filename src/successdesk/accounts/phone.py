"""The vendor's phone line: its number, its hours, and whether it is open right now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class PhoneLineStatus:
    number: str
    hours: str
    languages: tuple[str, ...]
    open_now: bool
    next_open: datetime | None

    def as_dict(self) -> dict[str, object]:
        return {
            "phone": self.number,
            "phone_hours": self.hours,
            "languages": list(self.languages),
            "open_now": self.open_now,
            "next_open": self.next_open.isoformat() if self.next_open else None,
        }


def phone_line_status(at: datetime | None = None) -> PhoneLineStatus:
    from successdesk.packages.calendars import vendor_phone_calendar

    now = at or timezone.now()
    calendar = vendor_phone_calendar()
    open_now = calendar.is_open(now)
    return PhoneLineStatus(
        number=settings.VENDOR_SUPPORT_PHONE,
        hours=calendar.describe(),
        languages=tuple(settings.VENDOR_LANGUAGES),
        open_now=open_now,
        next_open=None if open_now else calendar.next_open(now),
    )
