"""Designated contacts: name, remove and transfer them; the extra-contact fees; a designated
contact's choice to follow all of the customer's cases.

Who may change a customer's roster: that customer's active designated contacts, and vendor
admins. Other vendor staff and the customer's other users are refused (403, naming whom to
ask); a user of another customer gets 404. ``actor=None`` is the system itself (demo data,
management commands). Every change is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from successdesk.accounts.audit import audit_record
from successdesk.accounts.models import Customer, User, normalise_email
from successdesk.accounts.roles import Role
from successdesk.domain.contacts import contact_fee_due, roster_check_removal
from successdesk.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from successdesk.domain.money import format_money
from successdesk.notifications.models import NotificationPreference
from successdesk.notifications.services import notification_queue
from successdesk.packages.selectors import customer_today, subscription_required

from .models import DesignatedContact, DesignatedContactFee, vendor_currency
from .selectors import is_designated_contact
from .training import ensure_trained, training_completion_record, training_import_csv

__all__ = [
    "AlreadyDesignated",
    "Designation",
    "DesignationRemoved",
    "FeeConfirmationRequired",
    "RosterChangeNotAllowed",
    "contact_fee_table",
    "designated_contact_add",
    "designated_contact_remove",
    "designated_contact_transfer",
    "fee_confirmation",
    "preference_follow_all_cases",
    "roster_user",
    "training_completion_record",
    "training_import_csv",
]


class RosterChangeNotAllowed(PermissionDenied):
    code = "roster_change_not_allowed"
    title = "Only designated contacts and vendor admins change the roster"

    def __init__(self, customer: Customer) -> None:
        names = ", ".join(d.user.email for d in _active(customer).select_related("user"))
        ask = f"Ask one of them ({names}) or a vendor admin." if names else "Ask a vendor admin."
        super().__init__(
            f"Only {customer.name}'s designated contacts and vendor admins can change its "
            f"designated contacts. {ask}"
        )


class AlreadyDesignated(Conflict):
    code = "already_designated"
    title = "Already a designated contact"


class FeeConfirmationRequired(Conflict):
    """Naming this contact is billed: the caller must confirm the fee first."""

    code = "fee_confirmation_required"
    title = "Confirm the designated-contact fee"

    def __init__(
        self, *, user: User, position: int, amount: Decimal, currency: str, term: tuple[date, date]
    ) -> None:
        super().__init__(
            f"Naming {user.email} as designated contact #{position} is billed "
            f"{format_money(amount, currency)} for the term {term[0]} to {term[1]}, beyond the "
            "contacts the package includes. Confirm the fee to name them (API: send "
            '"confirm_fee": true), or remove another designated contact first.',
            field="confirm_fee",
            amount=f"{amount:.2f}",
            currency=currency,
            position=position,
            period_start=term[0].isoformat(),
            period_end=term[1].isoformat(),
        )


def fee_confirmation(exc: FeeConfirmationRequired, user: User) -> dict[str, str]:
    """What a page's confirmation step shows and posts back (portal and console)."""
    amount = format_money(exc.extra["amount"], exc.extra["currency"])
    return {"email": user.email, "message": exc.message, "amount": amount}


class DesignationRemoved(Conflict):
    code = "designation_removed"
    title = "No longer a designated contact"


@dataclass(frozen=True)
class Designation:
    """The outcome of naming a designated contact: ``created`` is False when the user was
    designated already (the call is idempotent); ``fee`` is the billable record for this
    person and term, if any, and ``fee_created`` whether this call recorded it (False when
    the person was billed earlier in the term: a fee is once per person and term)."""

    contact: DesignatedContact
    created: bool
    fee: DesignatedContactFee | None = None
    fee_created: bool = False


def _active(customer: Customer) -> QuerySet[DesignatedContact]:
    return DesignatedContact.objects.filter(customer=customer, removed_at__isnull=True)


def _ensure_may_change_roster(actor: User | None, customer: Customer) -> None:
    if actor is None:
        return
    if actor.is_vendor_staff:
        if actor.has_role(Role.ADMIN):
            return
        raise RosterChangeNotAllowed(customer)
    if actor.customer_id != customer.pk:
        raise NotFound("No such customer.")
    if not _active(customer).filter(user=actor).exists():
        raise RosterChangeNotAllowed(customer)


def roster_user(*, customer: Customer, user_id: int | None = None, email: str = "") -> User:
    """The active user of ``customer`` with that id or e-mail; NotFound otherwise (users of
    other customers and vendor staff are not found)."""
    users = User.objects.filter(customer=customer, is_active=True)
    if user_id is not None:
        user = users.filter(pk=user_id).first()
        field, shown = "user_id", f"the id {user_id}"
    else:
        user = users.filter(email=normalise_email(email)).first() if email.strip() else None
        field, shown = "email", f"the e-mail {email.strip()!r}"
    if user is None:
        raise NotFound(
            f"{customer.name} has no active user with {shown}. Check it, or ask a vendor "
            "admin to create the account first.",
            field=field,
        )
    return user


def _lock_roster(customer: Customer) -> None:
    """Serialise roster changes of one customer (row lock on PostgreSQL; SQLite's
    IMMEDIATE transactions already serialise writers)."""
    list(Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk"))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _who(actor: User | None) -> str:
    return actor.email if actor is not None else "the system"


def designated_contact_add(
    *,
    actor: User | None,
    customer: Customer,
    user: User,
    ip: str | None = None,
    confirm_fee: bool = False,
) -> Designation:
    """Name ``user`` a designated contact of ``customer``.

    Refused unless ``actor`` may change the roster, ``user`` is an active user of the
    customer who completed the required training (TrainingIncomplete lists what is
    missing) and the customer has a current subscription. Naming an already designated
    user returns the existing designation (idempotent). A contact beyond those the package
    includes is allowed and billed once per person and subscription term: the first time,
    it needs ``confirm_fee`` (FeeConfirmationRequired names the fee otherwise), records the
    fee and notifies the vendor; naming the same person again in the term (after a
    removal) records nothing more.
    """
    _ensure_may_change_roster(actor, customer)
    if user.customer_id != customer.pk or not user.is_active:
        raise NotFound(f"{customer.name} has no active user {user.email}.", field="user_id")
    with transaction.atomic():
        _lock_roster(customer)
        existing = _active(customer).filter(user=user).first()
        if existing is not None:
            return Designation(contact=existing, created=False)
        ensure_trained(user)
        subscription = subscription_required(customer=customer, on=customer_today(customer))
        grants = subscription.package_version.to_entitlements()
        count = _active(customer).count() + 1
        fee = DesignatedContactFee.objects.filter(
            customer=customer, user=user, period_start=subscription.starts_on
        ).first()
        bill = fee is None and contact_fee_due(count, grants.designated_contacts_included)
        currency = vendor_currency()
        if bill and not confirm_fee:
            raise FeeConfirmationRequired(
                user=user,
                position=count,
                amount=grants.extra_contact_fee,
                currency=currency,
                term=(subscription.starts_on, subscription.ends_on),
            )
        contact = DesignatedContact.objects.create(
            customer=customer, user=user, designated_by=actor
        )
        if bill:
            fee = DesignatedContactFee.objects.create(
                customer=customer,
                user=user,
                designation=contact,
                position=count,
                amount=grants.extra_contact_fee,
                currency=currency,
                period_start=subscription.starts_on,
                period_end=subscription.ends_on,
            )
            notification_queue(
                to=[settings.VENDOR_NOTIFY_EMAIL],
                subject=f"{customer.name} named a {_ordinal(count)} designated contact (billable)",
                body=(
                    f"{_who(actor)} named {user.email} the {_ordinal(count)} designated "
                    f"contact of {customer.name}. The package includes "
                    f"{grants.designated_contacts_included}, so a fee of {fee.amount_display} is "
                    f"recorded for the term {fee.period_start} to {fee.period_end}.\n\n"
                    f"Fees: {settings.SITE_URL}/console/fees/\n"
                ),
                kind="designated_contact.fee",
                key=f"contact-fee:{fee.pk}",
                customer_id=customer.pk,
            )
        audit_record(
            action="designated_contact.add",
            actor=actor,
            customer=customer,
            target=user.email,
            ip=ip,
            designation=contact.pk,
            position=count,
            fee=fee.amount_display if bill and fee else None,
            already_billed=fee.amount_display if fee and not bill else None,
        )
    return Designation(contact=contact, created=True, fee=fee, fee_created=bill)


def designated_contact_remove(
    *,
    actor: User | None,
    contact: DesignatedContact,
    ip: str | None = None,
) -> DesignatedContact:
    """End a designation (the row stays as history). Removing the last designated contact
    is refused (LastDesignatedContact); removing one already removed changes nothing."""
    customer = contact.customer
    _ensure_may_change_roster(actor, customer)
    with transaction.atomic():
        _lock_roster(customer)
        contact.refresh_from_db()
        if contact.removed_at is not None:
            return contact
        roster_check_removal(_active(customer).count())
        contact.removed_at = timezone.now()
        contact.removed_by = actor
        contact.save(update_fields=["removed_at", "removed_by"])
        audit_record(
            action="designated_contact.remove",
            actor=actor,
            customer=customer,
            target=contact.user.email,
            ip=ip,
            designation=contact.pk,
        )
    return contact


def designated_contact_transfer(
    *,
    actor: User | None,
    contact: DesignatedContact,
    to_user: User,
    ip: str | None = None,
) -> Designation:
    """Transfer a designated contact's responsibilities to another trained user of the same
    customer, in one step: the old designation ends, the new one starts, and the vendor is
    notified (as the terms require). The roster's size is unchanged, so no fee is added.
    Repeating a transfer already done returns its designation (idempotent)."""
    customer = contact.customer
    _ensure_may_change_roster(actor, customer)
    if to_user.customer_id != customer.pk or not to_user.is_active:
        raise NotFound(f"{customer.name} has no active user {to_user.email}.", field="to_user_id")
    with transaction.atomic():
        _lock_roster(customer)
        contact.refresh_from_db()
        if contact.removed_at is not None:
            done = _active(customer).filter(replaces=contact, user=to_user).first()
            if done is not None:
                return Designation(contact=done, created=False)
            raise DesignationRemoved(
                f"{contact.user.email} is no longer a designated contact (removed "
                f"{contact.removed_at:%Y-%m-%d}), so there is nothing to transfer. Name "
                f"{to_user.email} a designated contact instead.",
                field="from_id",
            )
        if to_user.pk == contact.user_id:
            raise InvalidInput(
                f"{to_user.email} already holds this designation. Choose another user to "
                "transfer it to.",
                field="to_user_id",
            )
        if _active(customer).filter(user=to_user).exists():
            raise AlreadyDesignated(
                f"{to_user.email} is already a designated contact. To hand over "
                f"{contact.user.email}'s responsibilities to them, remove "
                f"{contact.user.email} instead.",
                field="to_user_id",
            )
        ensure_trained(to_user)
        now = timezone.now()
        contact.removed_at, contact.removed_by = now, actor
        contact.save(update_fields=["removed_at", "removed_by"])
        new = DesignatedContact.objects.create(
            customer=customer, user=to_user, since=now, designated_by=actor, replaces=contact
        )
        notification_queue(
            to=[settings.VENDOR_NOTIFY_EMAIL],
            subject=(
                f"{customer.name}: designated contact responsibilities transferred from "
                f"{contact.user.email} to {to_user.email}"
            ),
            body=(
                f"On {now:%Y-%m-%d %H:%M} UTC, {_who(actor)} transferred the designated contact "
                f"responsibilities of {contact.user.email} to {to_user.email} "
                f"({to_user.get_full_name()}) for {customer.name}.\n\n"
                f"Customer page: {settings.SITE_URL}/console/customers/{customer.pk}/\n"
            ),
            kind="designated_contact.transfer",
            key=f"contact-transfer:{new.pk}",
            customer_id=customer.pk,
        )
        audit_record(
            action="designated_contact.transfer",
            actor=actor,
            customer=customer,
            target=f"{contact.user.email} → {to_user.email}",
            ip=ip,
            from_designation=contact.pk,
            to_designation=new.pk,
            from_user=contact.user.email,
            to_user=to_user.email,
        )
    return Designation(contact=new, created=True)


_FEE_COLUMNS = (
    "customer",
    "user_email",
    "user_name",
    "position",
    "amount",
    "currency",
    "period_start",
    "period_end",
    "recorded_at",
)


def contact_fee_table(
    fees: Iterable[DesignatedContactFee],
) -> tuple[list[str], list[list[object]]]:
    """The fee records as a table (header, rows) for the vendor's billing export (pass
    ``contact_fees()``)."""
    rows: list[list[object]] = [
        [
            fee.customer.name,
            fee.user.email,
            fee.user.full_name,
            fee.position,
            f"{fee.amount:.2f}",
            fee.currency,
            fee.period_start.isoformat(),
            fee.period_end.isoformat(),
            fee.created_at.isoformat(timespec="seconds"),
        ]
        for fee in fees
    ]
    return list(_FEE_COLUMNS), rows


def preference_follow_all_cases(*, user: User, follow: bool) -> None:
    """A designated contact chooses to be e-mailed about every case of their customer."""
    if not is_designated_contact(user):
        raise PermissionDenied(
            "Only designated contacts can follow all of their organisation's cases; you are "
            "e-mailed about the cases you open."
        )
    NotificationPreference.objects.update_or_create(
        user=user, defaults={"all_customer_cases": follow}
    )
