"""GET /api/v1/entitlements: what the caller's package grants, and this month's usage."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema

from successdesk.accounts.models import Customer, User
from successdesk.domain.entitlements import format_duration
from successdesk.domain.errors import NotFound
from successdesk.domain.fair_usage import pool_kinds
from successdesk.domain.intake import Channel
from successdesk.domain.subscription_change import renewal_date
from successdesk.packages.overview import package_overview

from .problems import problem_responses
from .schemas import CustomerRef, Pool, QuotaKind, Severity

router = Router(tags=["entitlements"])


def caller_customer(request: HttpRequest, what: str) -> Customer:
    """The caller's customer; vendor staff get 404 (they have none)."""
    user: User = request.auth  # type: ignore[attr-defined]
    if user.customer is None:
        raise NotFound(f"{what} answers for customer users; vendor staff use the console.")
    return user.customer


class PackageOut(Schema):
    name: str
    slug: str
    version: int
    effective_from: date


class TermOut(Schema):
    starts_on: date
    ends_on: date
    auto_renew: bool


class ScheduledOut(Schema):
    package: str
    version: int
    takes_effect_on: date


class SlaTargetOut(Schema):
    severity: Severity
    first_response: str
    resolution: str
    business_hours: bool


class ContactsOut(Schema):
    included: int
    extra_contact_fee: str
    currency: str = Field(description="ISO 4217 code of `extra_contact_fee`")


class FairUsageOut(Schema):
    pool: Pool
    kinds: list[QuotaKind]
    limit: int
    used: int
    extra: int
    remaining: int
    resets_at: datetime


class EntitlementsOut(Schema):
    customer: CustomerRef
    time_zone: str
    package: PackageOut
    term: TermOut
    scheduled_change: ScheduledOut | None
    channels: list[Channel]
    phone_hours: str
    phone_hours_per_week: float
    routing_priority: int
    priority_routing: bool
    sla_targets: list[SlaTargetOut]
    designated_contacts: ContactsOut
    features: dict[str, bool]
    fair_usage: list[FairUsageOut]


@router.get(
    "/entitlements",
    response={200: EntitlementsOut, **problem_responses(401, 404, 409)},
    summary="What your package grants, and this month's fair usage",
    description=(
        "The caller's customer's current subscription: package and version, term, channels, "
        "routing priority, SLA targets (ISO-8601 durations; `business_hours` false means "
        "24x7), features, and for each fair-usage pool its monthly `limit`, `used` this "
        "month, one-off `extra` granted, `remaining` and `resets_at` (the first instant of "
        "next month in the customer's time zone). Vendor staff get 404; a customer without "
        "a current subscription gets 409 `no_current_subscription`."
    ),
)
def entitlements_get(request: HttpRequest) -> dict[str, Any]:
    customer = caller_customer(request, "The entitlements API")
    view = package_overview(customer)
    sub, grants = view.subscription, view.grants
    version, scheduled = sub.package_version, sub.scheduled_version
    return {
        "customer": {"id": customer.pk, "name": customer.name, "slug": customer.slug},
        "time_zone": customer.time_zone,
        "package": {
            "name": version.package.name,
            "slug": version.package.slug,
            "version": version.version,
            "effective_from": version.effective_from,
        },
        "term": {"starts_on": sub.starts_on, "ends_on": sub.ends_on, "auto_renew": sub.auto_renew},
        "scheduled_change": {
            "package": scheduled.package.name,
            "version": scheduled.version,
            "takes_effect_on": renewal_date(sub.ends_on),
        }
        if scheduled is not None
        else None,
        "channels": sorted(grants.channels),
        "phone_hours": view.phone_hours,
        "phone_hours_per_week": grants.phone_hours_per_week,
        "routing_priority": grants.routing_priority,
        "priority_routing": grants.priority_routing,
        "sla_targets": [
            {
                "severity": severity,
                "first_response": format_duration(target.first_response),
                "resolution": format_duration(target.resolution),
                "business_hours": target.business_hours,
            }
            for severity, target in grants.sla_targets.items()
        ],
        "designated_contacts": {
            "included": grants.designated_contacts_included,
            "extra_contact_fee": str(grants.extra_contact_fee),
            "currency": settings.VENDOR_CURRENCY,
        },
        "features": view.features,
        "fair_usage": [
            {
                "pool": q.kind,
                "kinds": list(pool_kinds(q.kind)),
                "limit": q.limit,
                "used": q.used,
                "extra": q.extra,
                "remaining": q.remaining,
                "resets_at": q.resets_at,
            }
            for q in view.quotas
        ],
    }
