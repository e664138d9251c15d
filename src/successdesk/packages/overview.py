"""What a customer's package grants right now, in one read: the entitlements API and the
portal's "Our package" page both show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from successdesk.accounts.models import Customer
from successdesk.domain.entitlements import FEATURE_LABELS, Entitlements
from successdesk.domain.fair_usage import QuotaStatus
from successdesk.domain.labels import duration_words
from successdesk.domain.money import format_money

from .calendars import calendar_built
from .models import ProductCoverage, Subscription
from .selectors import (
    covered_products,
    customer_today,
    subscription_required,
    usage_statuses,
)

FEATURES = ("content_library", "advisory_services", "remote_access_support", "priority_routing")
POOL_LABELS = {
    "admin_task": "Admin tasks",
    "advisory_review": "Advisory reviews",
    "service_requests": "Service requests (admin tasks and advisory reviews, shared)",
}


@dataclass(frozen=True)
class SlaRow:
    severity: int
    first_response: str
    resolution: str
    business_hours: bool


@dataclass(frozen=True)
class QuotaRow:
    label: str
    status: QuotaStatus


@dataclass(frozen=True)
class PackageOverview:
    customer: Customer
    subscription: Subscription
    grants: Entitlements
    quotas: list[QuotaStatus]
    products: list[ProductCoverage]
    phone_hours: str

    @property
    def features(self) -> dict[str, bool]:
        return {name: bool(getattr(self.grants, name)) for name in FEATURES}

    @property
    def channels(self) -> list[str]:
        return [FEATURE_LABELS[c] for c in sorted(self.grants.channels)]

    @property
    def sla_rows(self) -> list[SlaRow]:
        return [
            SlaRow(
                severity=s,
                first_response=duration_words(t.first_response, business=t.business_hours),
                resolution=duration_words(t.resolution, business=t.business_hours),
                business_hours=t.business_hours,
            )
            for s, t in self.grants.sla_targets.items()
        ]

    @property
    def quota_rows(self) -> list[QuotaRow]:
        return [QuotaRow(POOL_LABELS.get(q.kind, q.kind), q) for q in self.quotas]

    @property
    def extra_contact_fee_display(self) -> str:
        """The fee per extra designated contact, with the vendor's currency."""
        return format_money(self.grants.extra_contact_fee, settings.VENDOR_CURRENCY)

    @property
    def feature_labels(self) -> list[tuple[str, bool]]:
        return [(FEATURE_LABELS[name], on) for name, on in self.features.items()]


def package_overview(customer: Customer, at: datetime | None = None) -> PackageOverview:
    """The subscription covering ``at`` (now by default; NoCurrentSubscription when none),
    its entitlements, this month's fair-usage status in the customer's zone and the
    products the package covers."""
    at = at or timezone.now()
    subscription = subscription_required(customer=customer, on=customer_today(customer, at))
    version = subscription.package_version
    grants = version.to_entitlements()
    return PackageOverview(
        customer=customer,
        subscription=subscription,
        grants=grants,
        quotas=usage_statuses(customer=customer, entitlements=grants, at=at),
        products=covered_products(version.package),
        phone_hours=calendar_built(version.phone_calendar).describe(),
    )
