"""The vendor's phone line: its number, its hours, and whether it is open right now (for
the help page and the intake forms, and as the pure rule's ``PhoneLine``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from successdesk.domain.intake import PhoneLine
from successdesk.packages.calendars import vendor_phone_calendar


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


def phone_line(at: datetime) -> PhoneLine:
    """The phone line at ``at``, as the intake rule (``check_intake``) reads it."""
    status = phone_line_status(at)
    return PhoneLine(
        number=status.number,
        hours=status.hours,
        open_now=status.open_now,
        next_open=status.next_open,
    )
