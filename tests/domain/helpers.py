"""Small helpers shared by the calendar and SLA tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

TORONTO = ZoneInfo("America/Toronto")
H = timedelta(hours=1)


def at(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    microsecond: int = 0,
    *,
    tz: ZoneInfo = TORONTO,
    fold: int = 0,
) -> datetime:
    """A wall time, in Toronto unless ``tz`` says otherwise."""
    return datetime(year, month, day, hour, minute, second, microsecond, tz, fold=fold)


def utc(value: datetime | None) -> datetime:
    """Compare instants in UTC: datetimes of one zone compare their wall times and ignore
    ``fold``, and across zones an instant in a repeated hour never compares equal."""
    assert value is not None
    return value.astimezone(UTC)
