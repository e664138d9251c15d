"""Reads for service requests: who sees which, one request with its history, and the
fair-usage picture shown before anyone types."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from successdesk.accounts.models import Customer, User
from successdesk.contacts.selectors import is_designated_contact
from successdesk.domain.entitlements import NotEntitled, has_feature
from successdesk.domain.errors import DomainError, NotFound
from successdesk.domain.fair_usage import (
    POOL,
    FairUsageLimitReached,
    QuotaStatus,
    limits_for,
    month_window,
)
from successdesk.domain.service_flow import ADMIN_TASK, ADVISORY_REVIEW, ServiceKind
from successdesk.packages.models import UsageCounter
from successdesk.packages.selectors import (
    ensure_feature,
    entitlements_current,
    subscriptions_today,
    usage_statuses,
)

from .models import ServiceRequest, ServiceRequestAttachment, ServiceRequestEvent

_NUMBER = re.compile(r"^(?:SR-)?0*(\d{1,12})$", re.IGNORECASE)


def requests_visible_to(user: User) -> QuerySet[ServiceRequest]:
    """Staff see every request; a designated contact sees all of their customer's; any
    other customer user sees the requests they submitted."""
    qs = ServiceRequest.objects.select_related("customer", "requester", "assignee")
    if user.is_vendor_staff:
        return qs
    if user.customer_id is None:
        return qs.none()
    mine = qs.filter(customer_id=user.customer_id)
    return mine if is_designated_contact(user) else mine.filter(requester=user)


def requests_filter(
    qs: QuerySet[ServiceRequest],
    *,
    status: str | None = None,
    kind: str | None = None,
    customer_id: int | None = None,
) -> QuerySet[ServiceRequest]:
    if status == "open":
        qs = qs.exclude(status__in=["delivered", "declined"])
    elif status:
        qs = qs.filter(status=status)
    if kind in (ADMIN_TASK, ADVISORY_REVIEW):
        qs = qs.filter(kind__in=[k.value for k in ServiceKind if k.quota_kind == kind])
    elif kind:
        qs = qs.filter(kind=kind)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    return qs


def request_get(*, user: User, number: str | int) -> ServiceRequest:
    """The request if ``user`` may see it; else NotFound (never 403)."""
    match = _NUMBER.match(str(number).strip())
    found = requests_visible_to(user).filter(pk=int(match[1])).first() if match else None
    if found is None:
        raise NotFound(f"No service request {number} is visible to you.", field="number")
    return found


def request_history(
    request: ServiceRequest,
) -> tuple[list[ServiceRequestAttachment], list[ServiceRequestEvent]]:
    return (
        list(request.attachments.all()),
        list(request.events.select_related("actor")),
    )


def attachment_get(*, user: User, pk: int) -> ServiceRequestAttachment:
    found = (
        ServiceRequestAttachment.objects.select_related("request")
        .filter(pk=pk, request__in=requests_visible_to(user))
        .first()
    )
    if found is None:
        raise NotFound("No such attachment.")
    return found


@dataclass(frozen=True)
class PoolView:
    """One fair-usage pool this month, the kinds that count against it and, when it is
    used up, the refusal a submission would get."""

    status: QuotaStatus
    kinds: list[ServiceKind]
    refusal: str = ""

    @property
    def label(self) -> str:
        return {
            ADMIN_TASK: "Admin tasks",
            ADVISORY_REVIEW: "Advisory reviews",
        }.get(self.status.kind, "Service requests (admin tasks and advisory reviews)")


@dataclass(frozen=True)
class UsageView:
    """What the customer may submit this month; ``refusal`` when nothing at all."""

    pools: list[PoolView] = field(default_factory=list)
    refusals: dict[str, str] = field(default_factory=dict)
    refusal: str = ""

    def open_kinds(self) -> list[ServiceKind]:
        return [k for p in self.pools if not p.status.exhausted for k in p.kinds]

    def pool_of(self, kind: ServiceKind) -> PoolView | None:
        return next((p for p in self.pools if kind in p.kinds), None)


def usage_view(customer: Customer, at: datetime) -> UsageView:
    """This month's pools in the customer's time zone (two queries plus the package list
    when a kind is not included)."""
    try:
        grants = entitlements_current(customer, at)
    except DomainError as exc:
        return UsageView(refusal=exc.message)
    statuses = {s.kind: s for s in usage_statuses(customer=customer, entitlements=grants, at=at)}
    pools: dict[str, list[ServiceKind]] = {}
    refusals: dict[str, str] = {}
    for quota_kind in (ADMIN_TASK, ADVISORY_REVIEW):
        kinds = [k for k in ServiceKind if k.quota_kind == quota_kind]
        try:
            ensure_feature(grants, quota_kind)
        except NotEntitled as exc:
            refusals[quota_kind] = exc.message
            continue
        pool = POOL if grants.pooled_quota else quota_kind
        pools.setdefault(pool, []).extend(kinds)
    views = [
        PoolView(
            status=statuses[pool],
            kinds=kinds,
            refusal=FairUsageLimitReached(statuses[pool]).message
            if statuses[pool].exhausted
            else "",
        )
        for pool, kinds in pools.items()
        if pool in statuses
    ]
    refusal = " ".join(refusals.values()) if not views else ""
    return UsageView(pools=views, refusals=refusals, refusal=refusal)


@dataclass(frozen=True)
class BoardRow:
    customer: Customer
    package: str
    pools: list[QuotaStatus]


def usage_board(at: datetime) -> list[BoardRow]:
    """Every active customer's pools this month, in its own time zone (three queries).
    The subscription is the one covering each customer's own date at ``at``."""
    customers = list(Customer.objects.filter(is_active=True).order_by("name"))
    subscriptions = subscriptions_today(at)
    windows = {c.pk: month_window(at, c.time_zone) for c in customers}
    counters = {
        (c.customer_id, c.pool, c.month): c
        for c in UsageCounter.objects.filter(
            customer__in=customers, month__in={w[0].date() for w in windows.values()}
        )
    }
    rows = []
    for customer in customers:
        subscription = subscriptions.get(customer.pk)
        if subscription is None:
            rows.append(BoardRow(customer, "no current subscription", []))
            continue
        grants = subscription.package_version.to_entitlements()
        start, end = windows[customer.pk]
        pools: dict[str, int] = {}
        for quota_kind in (ADMIN_TASK, ADVISORY_REVIEW):
            if has_feature(grants, quota_kind):
                pool, limit = limits_for(grants, quota_kind)
                pools[pool] = limit
        statuses = []
        for pool, limit in pools.items():
            counter = counters.get((customer.pk, pool, start.date()))
            used, extra = (counter.used, counter.extra) if counter else (0, 0)
            statuses.append(
                QuotaStatus(kind=pool, limit=limit, used=used, extra=extra, resets_at=end)
            )
        rows.append(BoardRow(customer, subscription.package_version.package.name, statuses))
    return rows
