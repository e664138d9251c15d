"""Writes for packages and subscriptions: one use case per function."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction

from successdesk.accounts.audit import audit_record
from successdesk.accounts.models import Customer, User
from successdesk.accounts.roles import Role
from successdesk.domain.entitlements import MaterialDecrease
from successdesk.domain.errors import Conflict, InvalidInput, PermissionDenied
from successdesk.domain.subscription_change import ChangePlan, Outcome, change_plan, renewal_date

from .models import PackageVersion, Subscription, SubscriptionChange, _through_change_service
from .selectors import customer_today


def subscription_check_term(*, customer: Customer, starts_on: date, ends_on: date) -> None:
    """Refuse a new term that ends before it starts or overlaps another of the customer's."""
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
    subscription_check_term(customer=customer, starts_on=starts_on, ends_on=ends_on)
    return Subscription.objects.create(
        customer=customer,
        package_version=package_version,
        starts_on=starts_on,
        ends_on=ends_on,
        auto_renew=auto_renew,
    )


class PackageChangeNotAllowed(PermissionDenied):
    code = "package_change_not_allowed"
    title = "Only vendor admins change a customer's package"


class SubscriptionEnded(Conflict):
    code = "subscription_ended"
    title = "The subscription's term has ended"


class NoChange(InvalidInput):
    code = "no_change"
    title = "Nothing to change"


def _ensure_may_change(by: User | None) -> None:
    """``by=None`` is the system itself (management commands, imports); people must be
    vendor admins."""
    if by is not None and not (by.is_vendor_staff and by.has_role(Role.ADMIN)):
        raise PackageChangeNotAllowed(
            "Only vendor admins change a customer's package or term. Ask a vendor admin."
        )


def subscription_change_preview(
    *,
    subscription: Subscription,
    to_version: PackageVersion | None = None,
    ends_on: date | None = None,
    schedule_if_decrease: bool = False,
) -> ChangePlan:
    """What the change would do for the customer — every entitlement before → after, the
    decreases, and whether it applies now, waits for the renewal date or is refused —
    without changing or recording anything."""
    to_version = to_version or subscription.package_version
    ends_on = ends_on or subscription.ends_on
    if ends_on < subscription.starts_on:
        raise InvalidInput(
            f"The term cannot end before it starts ({subscription.starts_on}). Give a later "
            "end date.",
            field="ends_on",
        )
    return change_plan(
        current=subscription.package_version.to_entitlements(),
        proposed=to_version.to_entitlements(),
        current_end=subscription.ends_on,
        proposed_end=ends_on,
        version_changes=(
            to_version.pk != subscription.package_version_id
            or subscription.scheduled_version_id is not None
        ),
        schedule_if_decrease=schedule_if_decrease,
        currency=settings.VENDOR_CURRENCY,
    )


def subscription_change(
    *,
    subscription: Subscription,
    to_version: PackageVersion | None = None,
    ends_on: date | None = None,
    by: User | None = None,
    schedule_if_decrease: bool = False,
    via: str = "",
    ip: str | None = None,
) -> SubscriptionChange:
    """Change a subscription's package version and/or the end of its term: the only way
    they change once the subscription exists (the model refuses any other write).

    Judged by the "no material decrease" rule (``domain.subscription_change``): with no
    decrease it applies now; a lower entitlement is refused with every decrease
    (``MaterialDecrease``; the refusal is recorded) or, if asked, scheduled for the renewal
    date; a shorter term is always refused. Every outcome is a ``SubscriptionChange`` and
    an audit entry. ``by`` must be a vendor admin (None: the system itself).
    """
    _ensure_may_change(by)
    customer = subscription.customer
    if subscription.ends_on < customer_today(customer):
        raise SubscriptionEnded(
            f"This subscription's term ended on {subscription.ends_on}. Change the current "
            "subscription, or start a new one.",
        )
    to_version = to_version or subscription.package_version
    ends_on = ends_on or subscription.ends_on
    plan = subscription_change_preview(
        subscription=subscription,
        to_version=to_version,
        ends_on=ends_on,
        schedule_if_decrease=schedule_if_decrease,
    )
    if plan.outcome is Outcome.UNCHANGED:
        raise NoChange(
            f"{customer.name} already has {to_version.label} until {ends_on}. Choose another "
            "package version or term end.",
            field="to_version",
        )
    if ends_on > subscription.ends_on:
        later = Subscription.objects.filter(
            customer=customer, starts_on__gt=subscription.ends_on, starts_on__lte=ends_on
        ).exclude(pk=subscription.pk)
        if later.exists():
            raise Conflict(
                f"{customer.name}'s next term starts before {ends_on}. End this term before "
                "the next one starts, or change the next one instead.",
                field="ends_on",
            )
    current = subscription.package_version
    listed = [d.as_dict() for d in plan.decreases]
    record = {
        "from_version": current,
        "to_version": to_version,
        "from_ends_on": subscription.ends_on,
        "to_ends_on": ends_on,
        "decreases": listed,
        "requested_by": by,
        "via": via[:40],
    }
    if plan.outcome is Outcome.REFUSE:
        SubscriptionChange.objects.create(
            subscription=subscription, outcome=SubscriptionChange.Outcome.REFUSED, **record
        )
        audit_record(
            action="subscription.change_refused",
            actor=by,
            customer=customer,
            target=str(subscription),
            ip=ip,
            to_version=str(to_version),
            to_ends_on=ends_on.isoformat(),
            decreases=listed,
            via=via,
        )
        raise MaterialDecrease(plan.decreases)
    with transaction.atomic(), _through_change_service():
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if plan.outcome is Outcome.SCHEDULE:
            outcome = SubscriptionChange.Outcome.SCHEDULED
            locked.scheduled_version = to_version
        else:
            outcome = SubscriptionChange.Outcome.ACCEPTED
            locked.package_version = to_version
            locked.scheduled_version = None
        locked.ends_on = ends_on
        locked.save(update_fields=["package_version", "scheduled_version", "ends_on"])
        change = SubscriptionChange.objects.create(subscription=locked, outcome=outcome, **record)
        audit_record(
            action=f"subscription.change_{outcome}",
            actor=by,
            customer=customer,
            target=str(locked),
            ip=ip,
            from_version=str(current),
            to_version=str(to_version),
            from_ends_on=subscription.ends_on.isoformat(),
            to_ends_on=ends_on.isoformat(),
            decreases=listed,
            via=via,
        )
    subscription.refresh_from_db()
    return change


@transaction.atomic
def subscription_renew(*, subscription: Subscription) -> Subscription:
    """Start the next term: the scheduled version if any, else the same version."""
    next_start = renewal_date(subscription.ends_on)
    term = subscription.ends_on - subscription.starts_on
    return subscription_start(
        customer=subscription.customer,
        package_version=subscription.scheduled_version or subscription.package_version,
        starts_on=next_start,
        ends_on=next_start + term,
        auto_renew=subscription.auto_renew,
    )
