"""What designated contacts do for their own customer's users (the terms: "resolving
password reset, username and lockout issues"): send a password reset link, unlock a
locked-out account, change a user's sign-in e-mail.

Only an active designated contact may act, and only on an active or inactive user of the
same customer: other customers' users and vendor staff are not found (404). Every action
is audited and mail goes through the outbox, in the same transaction.
"""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from successdesk.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from successdesk.notifications.services import notification_queue

from .audit import audit_record
from .models import User
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
    if user.customer_id != actor.customer_id:
        raise NotFound("Your organisation has no such user.", field="user_id")


def user_password_reset_send(
    *, actor: User, user: User, request: HttpRequest | None = None
) -> None:
    """E-mail ``user`` a single-use link to choose a new password (the same link and
    lifetime as “Forgot Password?”)."""
    _ensure_power(actor, user)
    if not user.is_active:
        raise Conflict(
            f"{user.email}'s account is disabled, so a reset link would not work. Ask a "
            "vendor admin to enable the account first.",
            field="user_id",
        )
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    body = render_to_string(
        "accounts/password_reset_by_contact_email.txt",
        {
            "user": user,
            "actor": actor,
            "link": f"{settings.SITE_URL.rstrip('/')}{path}",
            "site_name": settings.VENDOR_NAME,
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        },
    )
    with transaction.atomic():
        notification_queue(
            to=[user.email],
            subject=f"Choose a new {settings.VENDOR_NAME} Support password",
            body=body,
            kind="user.password_reset",
            customer_id=user.customer_id,
        )
        audit_record(
            action="user.password_reset_sent",
            actor=actor,
            customer=user.customer,
            target=user.email,
            request=request,
        )


def user_unlock(*, actor: User, user: User, request: HttpRequest | None = None) -> int:
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
            request=request,
            cleared=cleared,
        )
    return cleared


def user_email_change(
    *, actor: User, user: User, email: str, request: HttpRequest | None = None
) -> User:
    """Change ``user``'s sign-in e-mail (their username). Both addresses are told."""
    _ensure_power(actor, user)
    new = email.strip().lower()
    try:
        validate_email(new)
    except ValidationError:
        raise InvalidInput(
            f"{email.strip()!r} is not an e-mail address. Write it as name@example.com.",
            field="email",
        ) from None
    old = user.email
    if new == old:
        raise InvalidInput(f"{old} already signs in with that address.", field="email")
    with transaction.atomic():
        if User.objects.filter(email__iexact=new).exclude(pk=user.pk).exists():
            raise Conflict(
                f"Another account already signs in with {new}. Choose another address.",
                field="email",
            )
        user.email = new
        try:
            with transaction.atomic():
                user.save(update_fields=["email"])
        except IntegrityError:
            user.email = old
            raise Conflict(
                f"Another account already signs in with {new}. Choose another address.",
                field="email",
            ) from None
        notification_queue(
            to=[old, new],
            subject=f"Your {settings.VENDOR_NAME} Support sign-in e-mail was changed",
            body=(
                f"{actor.get_full_name()} ({actor.email}), a designated contact of "
                f"{actor.customer.name if actor.customer else ''}, changed the e-mail you "
                f"sign in with from {old} to {new}.\n\nIf this is a mistake, contact "
                f"{actor.email}.\n"
            ),
            kind="user.email_changed",
            customer_id=user.customer_id,
        )
        audit_record(
            action="user.email_changed",
            actor=actor,
            customer=user.customer,
            target=new,
            request=request,
            old=old,
            new=new,
        )
    return user
