"""Reads for packages and subscriptions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from successdesk.accounts.models import Customer
from successdesk.accounts.today import customer_today as customer_today
from successdesk.domain.entitlements import QUOTA_KINDS, Entitlements, NotEntitled, has_feature
from successdesk.domain.exclusions import ExclusionMatch, detect, load_default_rules
from successdesk.domain.fair_usage import QuotaStatus, limits_for, month_window

from .errors import NoCurrentSubscription
from .models import (
    Package,
    PackageVersion,
    Product,
    ProductCoverage,
    Subscription,
    SubscriptionChange,
    UsageCounter,
)


def subscription_current(*, customer: Customer, on: date) -> Subscription | None:
    """The customer's subscription whose term covers ``on``, with its version loaded."""
    return (
        Subscription.objects.select_related(
            "package_version__package",
            "package_version__phone_calendar",
            "package_version__sla_calendar",
        )
        .filter(customer=customer, starts_on__lte=on, ends_on__gte=on)
        .order_by("-starts_on")
        .first()
    )


def packages_including(feature: str) -> list[str]:
    """Names of packages whose latest version grants ``feature`` (for refusals)."""
    names: list[str] = []
    seen: set[int] = set()
    for version in PackageVersion.objects.select_related("package").order_by(
        "package__rank", "-version"
    ):
        if version.package_id in seen:
            continue
        seen.add(version.package_id)
        if has_feature(version.to_entitlements(), feature):
            names.append(version.package.name)
    return names


def subscription_required(*, customer: Customer, on: date) -> Subscription:
    """The subscription covering ``on``; refused with NoCurrentSubscription when none."""
    subscription = subscription_current(customer=customer, on=on)
    if subscription is None:
        raise NoCurrentSubscription(customer.name)
    return subscription


def entitlements_current(customer: Customer, at: datetime | None = None) -> Entitlements:
    """What the customer's package grants: the subscription covering ``at``'s day in the
    customer's time zone (now when not given); NoCurrentSubscription when none does."""
    subscription = subscription_required(customer=customer, on=customer_today(customer, at))
    return subscription.package_version.to_entitlements()


def ensure_feature(entitlements: Entitlements | None, feature: str) -> None:
    """Whether ``feature`` (a channel, a quota kind or a feature flag) is included; else
    NotEntitled naming the packages that include it. No entitlements (no current
    subscription) include nothing."""
    if entitlements is None or not has_feature(entitlements, feature):
        raise NotEntitled(feature, packages_including(feature))


# --- Fair usage -----------------------------------------------------------------------------


def usage_statuses(
    *, customer: Customer, entitlements: Entitlements, at: datetime
) -> list[QuotaStatus]:
    """This month's status of every fair-usage pool the entitlements grant (one query).

    Separate quotas give one status per kind; a pooled quota gives one shared status.
    Pools with a limit of 0 are left out (the package does not include them).
    """
    start, end = month_window(at, customer.time_zone)
    pools: dict[str, int] = {}
    for kind in QUOTA_KINDS:
        if has_feature(entitlements, kind):
            pool, limit = limits_for(entitlements, kind)
            pools[pool] = limit
    counters: dict[str, tuple[int, int]] = {
        pool: (used, extra)
        for pool, used, extra in UsageCounter.objects.filter(
            customer=customer, month=start.date(), pool__in=list(pools)
        ).values_list("pool", "used", "extra")
    }
    statuses = []
    for pool, limit in pools.items():
        used, extra = counters.get(pool, (0, 0))
        statuses.append(QuotaStatus(kind=pool, limit=limit, used=used, extra=extra, resets_at=end))
    return statuses


def usage_status(customer: Customer, kind: str, at: datetime) -> QuotaStatus:
    """This month's status of the pool a request of ``kind`` (admin_task, advisory_review)
    counts against, in the customer's time zone; the limit comes from the subscription
    covering ``at`` (NoCurrentSubscription when none)."""
    pool, limit = limits_for(entitlements_current(customer, at), kind)
    start, end = month_window(at, customer.time_zone)
    used, extra = (
        UsageCounter.objects.filter(customer=customer, pool=pool, month=start.date())
        .values_list("used", "extra")
        .first()
    ) or (0, 0)
    return QuotaStatus(kind=pool, limit=limit, used=used, extra=extra, resets_at=end)


# --- Covered products -----------------------------------------------------------------------


def vendor_product_names() -> list[str]:
    """Names of the vendor's own products and services (for the exclusion check)."""
    return list(Product.objects.filter(vendor_owned=True).values_list("name", flat=True))


def third_party_product_names() -> list[str]:
    """Names of known third-party products (never covered)."""
    return list(Product.objects.filter(vendor_owned=False).values_list("name", flat=True))


def exclusions_detect(subject: str, description: str) -> list[ExclusionMatch]:
    """What a request seems to ask for that the packages exclude: the default rules plus
    the products the vendor lists as its own or as third parties' (one query). Intake
    (cases and service requests) and the live hint the customer sees both use this, so
    what is stored is what was shown."""
    names: dict[bool, list[str]] = {True: [], False: []}
    for name, vendor_owned in Product.objects.values_list("name", "vendor_owned"):
        names[vendor_owned].append(name)
    return detect(
        subject,
        description,
        load_default_rules(),
        vendor_products=names[True],
        third_party_products=names[False],
    )


def covered_products(package: Package) -> list[ProductCoverage]:
    """Every product with whether ``package`` covers it: the vendor's first, then
    third parties', by name."""
    return list(
        ProductCoverage.objects.filter(package=package)
        .select_related("product")
        .order_by("-product__vendor_owned", "-covered", "product__name")
    )


def subscriptions_current(on: date) -> dict[int, Subscription]:
    """Each customer's subscription covering ``on``, keyed by customer id (one query)."""
    found: dict[int, Subscription] = {}
    for subscription in (
        Subscription.objects.filter(starts_on__lte=on, ends_on__gte=on)
        .select_related("package_version__package", "scheduled_version__package")
        .order_by("starts_on")
    ):
        found[subscription.customer_id] = subscription
    return found


def subscriptions_today(at: datetime | None = None) -> dict[int, Subscription]:
    """Each customer's subscription covering the customer's own today at ``at`` (now by
    default), keyed by customer id (one query). Customers in different zones can be on
    different dates at one instant: each is judged by its own."""
    at = (at or timezone.now()).astimezone(UTC)
    earliest, latest = (at - timedelta(hours=12)).date(), (at + timedelta(hours=14)).date()
    found: dict[int, Subscription] = {}
    for subscription in (
        Subscription.objects.filter(starts_on__lte=latest, ends_on__gte=earliest)
        .select_related("customer", "package_version__package", "scheduled_version__package")
        .order_by("starts_on")
    ):
        if subscription.covers(customer_today(subscription.customer, at)):
            found[subscription.customer_id] = subscription
    return found


def subscription_changes(subscription: Subscription) -> list[SubscriptionChange]:
    """The changes asked for on a subscription, newest first."""
    return list(
        SubscriptionChange.objects.filter(subscription=subscription)
        .select_related("from_version__package", "to_version__package", "requested_by")
        .order_by("-at", "-pk")
    )
