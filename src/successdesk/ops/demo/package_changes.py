"""Demo data for the Change package page: Northwind's term shows a downgrade to Standard
that a vendor admin asked for and the "no material decrease" rule refused. Idempotent."""

from __future__ import annotations

from contextlib import suppress

from django.utils import timezone

from successdesk.accounts.models import Customer, User
from successdesk.domain.entitlements import MaterialDecrease
from successdesk.packages.models import PackageVersion, SubscriptionChange
from successdesk.packages.selectors import subscription_current
from successdesk.packages.services import subscription_change


def load() -> None:
    customer = Customer.objects.filter(slug="northwind").first()
    admin = User.objects.filter(email="admin@vendor.example").first()
    if customer is None:
        return
    subscription = subscription_current(customer=customer, on=timezone.localdate())
    standard = PackageVersion.objects.filter(package__slug="standard").order_by("-version").first()
    if subscription is None or standard is None:
        return
    if SubscriptionChange.objects.filter(subscription=subscription).exists():
        return
    with suppress(MaterialDecrease):  # refused and recorded: what the demo shows
        subscription_change(subscription=subscription, to_version=standard, by=admin, via="demo")
