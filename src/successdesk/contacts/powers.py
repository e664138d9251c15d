"""What designated contacts do for their own customer's users (the terms: "resolving
password reset, username and lockout issues"): send a password reset link, unlock a
locked-out account, request a change of a user's sign-in e-mail.

Only an active designated contact may act, and only on an active or inactive user of the
same customer: other customers' users and vendor staff are not found (404). Every action
is audited and mail goes through the outbox, in the same transaction. A sign-in e-mail
change is only requested here: it happens when the new address confirms it
(``email_change``), and no answer says whether an address is in use elsewhere.
"""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.db import transaction

from successdesk.accounts.audit import audit_record
from successdesk.accounts.email_change import email_change_request
from successdesk.accounts.models import EmailChange, User
from successdesk.accounts.password_reset import password_reset_mail_queue
from successdesk.domain.errors import Conflict, NotFound, PermissionDenied

from .selectors import designated_contacts_of, is_designated_contact


class DesignatedContactsOnly(PermissionDenied):
    code = "designated_contacts_only"
    title = "Only designated contacts can do this"


def designated_contact_required(actor: User) -> None:
    """Refuse (DesignatedContactsOnly, naming whom to ask) an actor who is not an active
    designated contact; NotFound for vendor staff."""
    if actor.customer is None:
        raise NotFound("No such user.")
    if not is_designated_contact(actor):
        names = ", ".join(u.email for u in designated_contacts_of(actor.customer))
        ask = f"Ask one of them: {names}." if names else "Ask a vendor admin."
        raise DesignatedContactsOnly(
            f"Only {actor.customer.name}'s designated contacts can reset passwords, unlock "
            f"accounts and change sign-in e-mails. {ask} For your own password, use "
            "“Forgot Password?” on the sign-in page."
        )


def contact_power_target(*, actor: User, user_id: int) -> User:
    """The user ``actor`` (a designated contact) may act on: one of the same customer.
    DesignatedContactsOnly for other actors; NotFound for anyone else's users and staff."""
    designated_contact_required(actor)
    user = User.objects.filter(pk=user_id, customer=actor.customer).first()
    if user is None:
        raise NotFound("Your organisation has no such user.", field="user_id")
    return user


def _ensure_power(actor: User, user: User) -> None:
    designated_contact_required(actor)
    if user.customer_id is None or user.customer_id != actor.customer_id:
        raise NotFound("Your organisation has no such user.", field="user_id")


def user_password_reset_send(*, actor: User, user: User, ip: str | None = None) -> None:
    """E-mail ``user`` a single-use link to choose a new password (the same link, lifetime
    and outbox path as “Forgot Password?”)."""
    _ensure_power(actor, user)
    if not user.is_active:
        raise Conflict(
            f"{user.email}'s account is disabled, so a reset link would not work. Ask a "
            "vendor admin to enable the account first.",
            field="user_id",
        )
    with transaction.atomic():
        password_reset_mail_queue(user=user, actor=actor)
        audit_record(
            action="user.password_reset_sent",
            actor=actor,
            customer=user.customer,
            target=user.email,
            ip=ip,
        )


def user_unlock(*, actor: User, user: User, ip: str | None = None) -> int:
    """Clear the sign-in failures that lock ``user`` out; returns how many were cleared."""
    _ensure_power(actor, user)
    variants = set(
        AccessAttempt.objects.filter(username__iexact=user.email).values_list("username", flat=True)
    )
    with transaction.atomic():
        cleared = sum(int(axes_reset(username=name)) for name in variants if name)
        audit_record(
            action="user.unlocked",
            actor=actor,
            customer=user.customer,
            target=user.email,
            ip=ip,
            cleared=cleared,
        )
    return cleared


def user_email_change(*, actor: User, user: User, email: str, ip: str | None = None) -> EmailChange:
    """Request that ``user`` sign in with ``email``: the new address gets a link to confirm
    it, the current one a notice. The answer is the same whether or not the address is
    already in use anywhere."""
    _ensure_power(actor, user)
    return email_change_request(actor=actor, user=user, email=email, ip=ip)
