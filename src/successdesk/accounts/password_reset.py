"""Password recovery: one way to mail a reset link, through the outbox.

“Forgot Password?” only queues a task with the address it was given (the same work
whether or not an account has it, so the answer neither waits on a lookup nor reveals one);
the task looks the account up and writes the outbox row. A designated contact's “Send
reset link” writes the same row directly. The link is always built from ``SITE_URL``,
never from the request's Host header.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from successdesk.notifications.services import notification_queue

from .models import User


def normalise_email(value: str) -> str:
    """The form of an address that sign-in, lockout and rate limits count by."""
    return value.strip().lower()


def password_reset_link(user: User) -> str:
    """The single-use link to choose a new password, on the configured site."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def password_reset_mail_queue(*, user: User, actor: User | None = None) -> None:
    """Write the reset e-mail for ``user`` to the outbox (the caller's transaction). With
    ``actor``, the mail says which designated contact sent it."""
    context = {
        "user": user,
        "actor": actor,
        "email": user.email,
        "link": password_reset_link(user),
        "site_name": settings.VENDOR_NAME,
        "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }
    template = (
        "accounts/password_reset_by_contact_email.txt"
        if actor is not None
        else "accounts/password_reset_email.txt"
    )
    notification_queue(
        to=[user.email],
        subject=f"Choose a new {settings.VENDOR_NAME} Support password",
        body=render_to_string(template, context),
        kind="user.password_reset",
        customer_id=user.customer_id,
    )


def password_reset_request(*, email: str) -> bool:
    """Mail a reset link to the active account that signs in with ``email``, if there is
    one (the background half of “Forgot Password?”). True when a mail was queued.

    Accounts without a usable password (single sign-on only) and disabled accounts get
    nothing, as in Django's own form."""
    address = normalise_email(email)
    with transaction.atomic():
        user = User.objects.filter(email__iexact=address, is_active=True).first()
        if user is None or not user.has_usable_password():
            return False
        password_reset_mail_queue(user=user)
    return True
