"""Reads for packages and subscriptions."""

from __future__ import annotations

from datetime import date

from successdesk.accounts.models import Customer

from .models import PackageVersion, Subscription


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
        if getattr(version.grants(), feature, False):
            names.append(version.package.name)
    return names
