"""Which day it is, named once per purpose.

- ``customer_today``: the date in the customer's time zone. A customer's terms, months,
  quotas and the things its people did "today" are counted in it.
- ``vendor_today``: the date in the vendor's time zone (``VENDOR_PHONE_TIME_ZONE``), for
  the vendor's own views across customers, such as report periods.

Never ``timezone.now().date()`` (a UTC date) nor ``timezone.localdate()`` (whatever zone
the request happened to activate) for a rule.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from .models import Customer


def customer_today(customer: Customer, at: datetime | None = None) -> date:
    """The date in the customer's time zone at ``at`` (now when not given)."""
    return (at or timezone.now()).astimezone(ZoneInfo(customer.time_zone)).date()


def vendor_zone() -> ZoneInfo:
    return ZoneInfo(settings.VENDOR_PHONE_TIME_ZONE)


def vendor_today(at: datetime | None = None) -> date:
    """The date in the vendor's time zone at ``at`` (now when not given)."""
    return (at or timezone.now()).astimezone(vendor_zone()).date()
