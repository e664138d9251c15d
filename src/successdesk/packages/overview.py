"""What a customer's package grants right now, in one read: the entitlements API and the
portal's "Our package" page both show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from successdesk.accounts.models import Customer
from successdesk.domain.entitlements import FEATURE_LABELS, Entitlements
from successdesk.domain.fair_usage import QuotaStatus

from .calendars import stored_calendar
from .models import ProductCoverage, Subscription
from .selectors import (
    covered_products,
    customer_today,
    subscription_required,
    usage_statuses,
)

FEATURES = ("content_library", "advisory_services", "remote_access_support", "priority_routing")


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
    def feature_labels(self) -> list[tuple[str, bool]]:
        return [(FEATURE_LABELS[name], on) for name, on in self.features.items()]


def package_overview(customer: Customer, at: datetime | None = None) -> PackageOverview:
    """The subscription covering ``at`` (now by default; NoCurrentSubscription when none),
    its entitlements, this month's fair-usage status in the customer's zone and the
    products the package covers."""
    at = at or timezone.now()
    subscription = subscription_required(customer=customer, on=customer_today(customer, at))
    version = subscription.package_version
    grants = version.grants()
    return PackageOverview(
        customer=customer,
        subscription=subscription,
        grants=grants,
        quotas=usage_statuses(customer=customer, entitlements=grants, at=at),
        products=covered_products(version.package),
        phone_hours=(
            stored_calendar(version.phone_calendar.slug) or version.phone_calendar.build()
        ).describe(),
    )
