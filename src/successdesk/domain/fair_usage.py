"""Fair-usage quotas: the monthly window in the customer's time zone, the pool a request
counts against and its limit. Pure: entitlements, instants and time zones are passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from successdesk.domain.entitlements import (
    QUOTA_KINDS,
    Entitlements,
    _fail,
    _is_int,
    _monthly_limit,
    _need,
)
from successdesk.domain.errors import DomainError

POOL = "service_requests"

_QUOTA_LABELS = {
    "admin_task": "admin tasks",
    "advisory_review": "advisory reviews",
    POOL: "service requests (admin tasks and advisory reviews combined)",
}


def month_window(at: datetime, tz: str | ZoneInfo) -> tuple[datetime, datetime]:
    """The calendar month containing ``at`` in time zone ``tz``: [start, end) as aware
    datetimes in that zone; ``end`` is when the monthly quotas reset.

    Both share one tzinfo, so Python subtracts them by wall clock: convert to UTC first to
    measure elapsed time.
    """
    zone = _zone(tz)
    _need(at.utcoffset() is not None, "at", "an aware datetime", at)
    local = at.astimezone(zone)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    start = datetime(local.year, local.month, 1, tzinfo=zone)
    end = datetime(year, month, 1, tzinfo=zone)
    # A local midnight in a DST gap becomes the first real instant of the month.
    return start.astimezone(UTC).astimezone(zone), end.astimezone(UTC).astimezone(zone)


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    if isinstance(tz, ZoneInfo):
        return tz
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        _fail("tz", "an IANA time zone name such as 'America/Toronto'", tz)


@dataclass(frozen=True, kw_only=True)
class QuotaStatus:
    """This month's usage of one fair-usage pool; ``extra`` is a one-off extra granted."""

    kind: str
    limit: int
    used: int
    extra: int = 0
    resets_at: datetime

    def __post_init__(self) -> None:
        for name in ("limit", "used", "extra"):
            value = getattr(self, name)
            _need(_is_int(value) and value >= 0, name, "a whole number ≥ 0", value)
        at = self.resets_at
        _need(at.utcoffset() is not None, "resets_at", "an aware datetime", at)

    @property
    def remaining(self) -> int:
        return max(0, self.limit + self.extra - self.used)

    @property
    def exhausted(self) -> bool:
        return self.remaining == 0


class FairUsageLimitReached(DomainError):
    """The monthly fair-usage limit of a pool is used up."""

    code = "fair_usage_limit_reached"
    status = 429
    title = "Fair-usage limit reached"

    def __init__(self, status: QuotaStatus) -> None:
        label = _QUOTA_LABELS.get(status.kind, status.kind)
        granted = f" (plus {status.extra} extra granted)" if status.extra else ""
        super().__init__(
            f"The fair-usage limit of {status.limit} {label} per month{granted} is reached "
            f"({status.used} used). It resets on {status.resets_at:%Y-%m-%d %H:%M %Z}: submit "
            "the request then, or ask your account manager for a one-off extra request.",
            kind=status.kind,
            limit=status.limit,
            extra_granted=status.extra,
            used=status.used,
            resets_at=status.resets_at.isoformat(),
        )


def pool_kinds(pool: str) -> tuple[str, ...]:
    """The request kinds that count against ``pool`` (both kinds share the pooled one)."""
    return QUOTA_KINDS if pool == POOL else (pool,)


def limits_for(entitlements: Entitlements, kind: str) -> tuple[str, int]:
    """The pool a request of ``kind`` counts against, and its monthly limit.

    Pooled: both kinds count against ``"service_requests"``, limit admin + advisory.
    Separate: each kind is its own pool (``"admin_task"``, ``"advisory_review"``).
    """
    _need(kind in QUOTA_KINDS, "kind", f"one of {list(QUOTA_KINDS)}", kind)
    pool = POOL if entitlements.pooled_quota else kind
    return pool, _monthly_limit(entitlements, kind)


def check_quota(status: QuotaStatus) -> None:
    """Raise FairUsageLimitReached when no request is left in the pool this month."""
    if status.exhausted:
        raise FairUsageLimitReached(status)
