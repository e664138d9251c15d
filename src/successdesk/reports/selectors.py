"""Report figures, each from one or two aggregate queries (GROUP BY in the database).

A period is whole days in the vendor's time zone (``vendor_today``), ``start`` to ``end``
inclusive, and selects cases by the
time they were opened (indexed ``created_at``); outcomes are as of now.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone

from successdesk.accounts.today import vendor_zone
from successdesk.cases.models import Case
from successdesk.contacts.models import DesignatedContact
from successdesk.domain.entitlements import QUOTA_KINDS
from successdesk.domain.fair_usage import limits_for
from successdesk.domain.intake import Channel
from successdesk.packages.models import UsageCounter
from successdesk.packages.selectors import subscriptions_current, subscriptions_today

Grouping = Literal["package", "severity", "team"]
GROUPS: dict[Grouping, str] = {
    "package": "package_version__package__name",
    "severity": "severity",
    "team": "team__name",
}
NO_GROUP = {"package": "No package", "severity": "—", "team": "Not routed"}
DEFAULT_CONTACTS_INCLUDED = 5


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def bounds(self) -> tuple[datetime, datetime]:
        return (
            datetime.combine(self.start, time(), tzinfo=vendor_zone()),
            datetime.combine(self.end + timedelta(days=1), time(), tzinfo=vendor_zone()),
        )

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1


def _opened_in(period: Period) -> QuerySet[Case]:
    start, end = period.bounds()
    return Case.objects.filter(created_at__gte=start, created_at__lt=end)


# --- SLA attainment -------------------------------------------------------------------------


@dataclass(frozen=True)
class Attainment:
    """Met, missed and still-running clocks of one group; rates over decided clocks."""

    group: str
    cases: int
    response_met: int
    response_missed: int
    response_pending: int
    resolution_met: int
    resolution_missed: int
    resolution_pending: int

    @staticmethod
    def _rate(met: int, missed: int) -> float | None:
        return None if met + missed == 0 else met / (met + missed)

    @property
    def response_rate(self) -> float | None:
        return self._rate(self.response_met, self.response_missed)

    @property
    def resolution_rate(self) -> float | None:
        return self._rate(self.resolution_met, self.resolution_missed)


def sla_attainment(
    period: Period, *, by: Grouping = "package", now: datetime | None = None
) -> list[Attainment]:
    """For cases opened in ``period`` that have SLA clocks, grouped ``by`` package,
    severity or team: first responses and resolutions within their due time (met), after
    it or still missing once it passed (missed), or not yet due (pending). One query."""
    now = now or timezone.now()
    column = GROUPS[by]
    response_met = Q(
        first_responded_at__isnull=False, first_responded_at__lte=F("first_response_due_at")
    )
    response_missed = Q(first_responded_at__gt=F("first_response_due_at")) | Q(
        first_responded_at__isnull=True, first_response_due_at__lt=now
    )
    resolution_met = Q(resolved_at__isnull=False, resolved_at__lte=F("resolution_due_at"))
    resolution_missed = Q(resolved_at__gt=F("resolution_due_at")) | Q(
        resolved_at__isnull=True, resolution_due_at__lt=now
    )
    rows = (
        _opened_in(period)
        .filter(package_version__isnull=False)
        .values(column)
        .annotate(
            cases=Count("pk"),
            response_met=Count("pk", filter=response_met),
            response_missed=Count("pk", filter=response_missed),
            resolution_met=Count("pk", filter=resolution_met),
            resolution_missed=Count("pk", filter=resolution_missed),
        )
        .order_by(column)
    )
    return [
        Attainment(
            group=str(row[column]) if row[column] is not None else NO_GROUP[by],
            cases=row["cases"],
            response_met=row["response_met"],
            response_missed=row["response_missed"],
            response_pending=row["cases"] - row["response_met"] - row["response_missed"],
            resolution_met=row["resolution_met"],
            resolution_missed=row["resolution_missed"],
            resolution_pending=row["cases"] - row["resolution_met"] - row["resolution_missed"],
        )
        for row in rows
    ]


# --- volume ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VolumeRow:
    channel: str
    label: str
    by_severity: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())


def case_volume(period: Period) -> list[VolumeRow]:
    """Cases opened in ``period`` by channel and severity (every channel, every
    severity, zeros included). One query."""
    counts: dict[str, dict[int, int]] = {c.value: dict.fromkeys((1, 2, 3, 4), 0) for c in Channel}
    for channel, severity, n in (
        _opened_in(period)
        .values("channel", "severity")
        .annotate(n=Count("pk"))
        .values_list("channel", "severity", "n")
        .order_by()
    ):
        counts.setdefault(channel, dict.fromkeys((1, 2, 3, 4), 0))[severity] = n
    labels = {c.value: c.label for c in Channel}
    return [VolumeRow(ch, labels.get(ch, ch), sev) for ch, sev in counts.items()]


# --- first-response times -------------------------------------------------------------------

BUCKETS: tuple[tuple[str, timedelta, timedelta | None], ...] = (
    ("under 15 min", timedelta(0), timedelta(minutes=15)),
    ("15 min – 1 h", timedelta(minutes=15), timedelta(hours=1)),
    ("1 – 4 h", timedelta(hours=1), timedelta(hours=4)),
    ("4 – 8 h", timedelta(hours=4), timedelta(hours=8)),
    ("8 – 24 h", timedelta(hours=8), timedelta(hours=24)),
    ("1 – 3 days", timedelta(hours=24), timedelta(days=3)),
    ("over 3 days", timedelta(days=3), None),
)
NOT_YET = "no response yet"


def first_response_times(period: Period) -> list[tuple[str, int]]:
    """How long cases opened in ``period`` waited for their first staff reply (elapsed
    time, not business time), in buckets; then those still waiting. One query."""
    wait = ExpressionWrapper(
        F("first_responded_at") - F("created_at"), output_field=DurationField()
    )
    aggregates = {}
    for n, (_, low, high) in enumerate(BUCKETS):
        bucket = Q(first_responded_at__isnull=False, wait__gte=low)
        if high is not None:
            bucket &= Q(wait__lt=high)
        aggregates[f"b{n}"] = Count("pk", filter=bucket)
    aggregates["waiting"] = Count("pk", filter=Q(first_responded_at__isnull=True))
    found = _opened_in(period).annotate(wait=wait).aggregate(**aggregates)
    rows = [(label, found[f"b{n}"]) for n, (label, _, _) in enumerate(BUCKETS)]
    return [*rows, (NOT_YET, found["waiting"])]


# --- fair usage -----------------------------------------------------------------------------


@dataclass(frozen=True)
class UsageRow:
    customer: str
    pool: str
    used: int
    extra: int
    limit: int | None  # the monthly limit times the months of the period

    @property
    def allowance(self) -> int | None:
        return None if self.limit is None else self.limit + self.extra


def usage_by_customer(period: Period) -> list[UsageRow]:
    """Fair-usage requests counted per customer and pool in the months ``period`` touches,
    with the monthly limit of the subscription current at its end. Two queries."""
    first = period.start.replace(day=1)
    rows = (
        UsageCounter.objects.filter(month__gte=first, month__lte=period.end)
        .values("customer_id", "customer__name", "pool")
        .annotate(used=Sum("used"), extra=Sum("extra"))
        .order_by("customer__name", "pool")
    )
    subscriptions = subscriptions_current(period.end)
    limits: dict[int, dict[str, int]] = defaultdict(dict)
    for customer_id, subscription in subscriptions.items():
        grants = subscription.package_version.to_entitlements()
        for kind in QUOTA_KINDS:
            pool, limit = limits_for(grants, kind)
            limits[customer_id][pool] = limit
    return [
        UsageRow(
            customer=row["customer__name"],
            pool=row["pool"],
            used=row["used"] or 0,
            extra=row["extra"] or 0,
            limit=(
                limits[row["customer_id"]][row["pool"]] * period.months
                if row["pool"] in limits.get(row["customer_id"], {})
                else None
            ),
        )
        for row in rows
    ]


# --- designated contacts --------------------------------------------------------------------


@dataclass(frozen=True)
class RosterEntry:
    customer: str
    name: str
    email: str
    since: datetime
    position: int
    included: int

    @property
    def billed(self) -> bool:
        return self.position > self.included


def contact_roster(*, on: date | None = None) -> list[RosterEntry]:
    """Every active designated contact by customer, in the order they were named; those
    beyond what the package includes are billed. Two queries."""
    current = subscriptions_today() if on is None else subscriptions_current(on)
    included = {
        customer_id: subscription.package_version.to_entitlements().designated_contacts_included
        for customer_id, subscription in current.items()
    }
    entries: list[RosterEntry] = []
    position: dict[int, int] = defaultdict(int)
    for contact in (
        DesignatedContact.objects.filter(removed_at__isnull=True)
        .select_related("customer", "user")
        .order_by("customer__name", "since", "pk")
    ):
        position[contact.customer_id] += 1
        entries.append(
            RosterEntry(
                customer=contact.customer.name,
                name=contact.user.get_full_name(),
                email=contact.user.email,
                since=contact.since,
                position=position[contact.customer_id],
                included=included.get(contact.customer_id, DEFAULT_CONTACTS_INCLUDED),
            )
        )
    return entries
