"""Writes for packages and subscriptions: one use case per function."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from successdesk.accounts.audit import audit_record
from successdesk.accounts.models import Customer, User
from successdesk.domain.entitlements import MaterialDecrease, compare
from successdesk.domain.errors import Conflict, InvalidInput

from .models import PackageVersion, Subscription, SubscriptionChange


def subscription_start(
    *,
    customer: Customer,
    package_version: PackageVersion,
    starts_on: date,
    ends_on: date | None = None,
    auto_renew: bool = True,
) -> Subscription:
    """Subscribe a customer to a package version for a term (a year by default)."""
    ends_on = ends_on or (starts_on.replace(year=starts_on.year + 1) - timedelta(days=1))
    if ends_on < starts_on:
        raise InvalidInput("A term must end on or after its start.", field="ends_on")
    overlapping = Subscription.objects.filter(
        customer=customer, starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    if overlapping.exists():
        raise Conflict(
            f"{customer} already has a subscription in that term; change it instead.",
            field="starts_on",
        )
    return Subscription.objects.create(
        customer=customer,
        package_version=package_version,
        starts_on=starts_on,
        ends_on=ends_on,
        auto_renew=auto_renew,
    )


def subscription_change(
    *,
    subscription: Subscription,
    to_version: PackageVersion,
    by: User | None = None,
    schedule_if_decrease: bool = False,
) -> SubscriptionChange:
    """Change a running subscription's package version.

    Accepted only when no entitlement decreases materially; otherwise refused with every
    decrease (``MaterialDecrease``, the refusal is recorded), or, if asked, scheduled for
    the renewal date.
    """
    current = subscription.package_version
    decreases = compare(current.grants(), to_version.grants())
    listed = [d.as_dict() for d in decreases]
    if decreases and not schedule_if_decrease:
        SubscriptionChange.objects.create(
            subscription=subscription,
            from_version=current,
            to_version=to_version,
            outcome=SubscriptionChange.Outcome.REFUSED,
            decreases=listed,
            requested_by=by,
        )
        audit_record(
            action="subscription.change_refused",
            actor=by,
            customer=subscription.customer,
            target=str(subscription),
            decreases=listed,
        )
        raise MaterialDecrease(decreases)
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if decreases:
            outcome = SubscriptionChange.Outcome.SCHEDULED
            locked.scheduled_version = to_version
        else:
            outcome = SubscriptionChange.Outcome.ACCEPTED
            locked.package_version = to_version
            locked.scheduled_version = None
        locked.save(update_fields=["package_version", "scheduled_version"])
        change = SubscriptionChange.objects.create(
            subscription=locked,
            from_version=current,
            to_version=to_version,
            outcome=outcome,
            decreases=listed,
            requested_by=by,
        )
        audit_record(
            action=f"subscription.change_{outcome}",
            actor=by,
            customer=locked.customer,
            target=str(locked),
            to_version=str(to_version),
        )
    subscription.refresh_from_db()
    return change


@transaction.atomic
def subscription_renew(*, subscription: Subscription) -> Subscription:
    """Start the next term: the scheduled version if any, else the same version."""
    next_start = subscription.ends_on + timedelta(days=1)
    term = subscription.ends_on - subscription.starts_on
    return subscription_start(
        customer=subscription.customer,
        package_version=subscription.scheduled_version or subscription.package_version,
        starts_on=next_start,
        ends_on=next_start + term,
        auto_renew=subscription.auto_renew,
    )
