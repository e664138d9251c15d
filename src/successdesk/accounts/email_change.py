"""Changing a user's sign-in e-mail: requested, then confirmed from the new address.

Whoever may change it (a designated contact for a colleague, a vendor admin in the admin)
only *requests* the change: a signed, single-use link that expires is mailed to the new
address, and a notice to the current one. Nothing changes until the link is confirmed. On
confirmation the address changes, every session of the user ends (the session hash covers
the e-mail), the old address is told, and ``email_changed`` is sent (the contacts app tells
the vendor when the user is a designated contact).

Nothing here tells the requester whether the new address already has an account, in their
organisation or anywhere else: an address in use gets the same answer as a free one (and no
link, since it could never be confirmed); a clash that arises before confirmation is refused
at confirmation, to the holder of the new address, without naming anyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone

from successdesk.domain.errors import Conflict, InvalidInput, NotFound
from successdesk.notifications.services import notification_queue

from .audit import audit_record
from .models import EmailChange, User, normalise_email

SALT = "successdesk.accounts.email_change"

# Sent inside the confirming transaction once a user's sign-in e-mail changed, with
# ``change`` (the EmailChange) and ``user``: what other apps add to it (the vendor's notice
# about a designated contact, in ``contacts.receivers``) commits or rolls back with it.
email_changed = Signal()


class EmailChangeLinkInvalid(NotFound):
    code = "email_change_link_invalid"
    title = "This link no longer works"


class EmailChangeRefused(Conflict):
    code = "email_change_refused"
    title = "The sign-in e-mail could not be changed"


def _site(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _hours() -> int:
    return max(1, settings.EMAIL_CHANGE_TIMEOUT // 3600)


def email_change_token(change: EmailChange) -> str:
    """The signed token of the link (it names the request and both addresses)."""
    return signing.dumps(
        {"id": change.pk, "old": change.old_email, "new": change.new_email}, salt=SALT
    )


def email_change_link(change: EmailChange) -> str:
    return _site(reverse("email_change_confirm", kwargs={"token": email_change_token(change)}))


def clean_new_email(*, user: User, email: str) -> str:
    """The new address, normalised; InvalidInput when it is not one or is the current one."""
    new = normalise_email(email)
    try:
        validate_email(new)
    except ValidationError:
        raise InvalidInput(
            f"{email.strip()!r} is not an e-mail address. Write it as name@example.com.",
            field="email",
        ) from None
    if new == user.email.lower():
        raise InvalidInput(f"{user.email} already signs in with that address.", field="email")
    return new


def email_change_request(
    *, actor: User | None, user: User, email: str, ip: str | None = None
) -> EmailChange:
    """Request that ``user`` sign in with ``email`` from now on (the caller has checked that
    ``actor`` may). Replaces any open request of the user. Mails the confirmation link to the
    new address (unless an account already signs in with it) and a notice to the old one."""
    new = clean_new_email(user=user, email=email)
    by = f"{actor.get_full_name()} ({actor.email})" if actor is not None else "An administrator"
    vendor = settings.VENDOR_NAME
    with transaction.atomic():
        now = timezone.now()
        EmailChange.objects.filter(
            user=user, confirmed_at__isnull=True, cancelled_at__isnull=True
        ).update(cancelled_at=now)
        change = EmailChange.objects.create(
            user=user, old_email=user.email, new_email=new, requested_by=actor, requested_at=now
        )
        in_use = User.objects.filter(email=normalise_email(new)).exclude(pk=user.pk).exists()
        if not in_use:
            notification_queue(
                to=[new],
                subject=f"Confirm your new {vendor} Support sign-in e-mail",
                body=(
                    f"Hello{' ' + user.full_name if user.full_name else ''},\n\n"
                    f"{by} asked that the {vendor} Support account {user.email} sign in with "
                    f"this address ({new}) from now on.\n\n"
                    "If this is your address and you expect this change, open this link and "
                    f"confirm (it works once, within {_hours()} hours):\n\n"
                    f"{email_change_link(change)}\n\n"
                    "If you do not expect it, ignore this message: nothing changes.\n"
                ),
                kind="user.email_change_confirm",
                customer_id=user.customer_id,
            )
        notification_queue(
            to=[user.email],
            subject=f"A change of your {vendor} Support sign-in e-mail was requested",
            body=(
                f"Hello{' ' + user.full_name if user.full_name else ''},\n\n"
                f"{by} asked that your {vendor} Support account sign in with {new} instead "
                f"of {user.email}. Nothing changes unless the new address confirms it.\n\n"
                "If this is a mistake, tell "
                f"{actor.email if actor is not None else 'your designated contact'} or "
                f"{vendor} Support.\n"
            ),
            kind="user.email_change_requested",
            customer_id=user.customer_id,
        )
        audit_record(
            action="user.email_change_requested",
            actor=actor,
            customer=user.customer,
            target=user.email,
            ip=ip,
            old=user.email,
            new=new,
        )
    return change


@dataclass(frozen=True)
class PendingChange:
    """What a confirmation link would do (for the page that asks to confirm)."""

    change: EmailChange
    token: str


def _open_change(token: str, *, lock: bool) -> EmailChange:
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.EMAIL_CHANGE_TIMEOUT)
    except signing.SignatureExpired:
        raise EmailChangeLinkInvalid(
            "This link has expired. Ask for the change again: a new link will be e-mailed."
        ) from None
    except signing.BadSignature:
        raise EmailChangeLinkInvalid(
            "This link is not valid. Copy the whole link from the e-mail, or ask for the "
            "change again."
        ) from None
    query = EmailChange.objects.select_related("user", "user__customer")
    if lock:
        query = query.select_for_update(of=("self", "user"))
    change = query.filter(pk=data.get("id")).first()
    if (
        change is None
        or not change.is_open
        or (change.old_email, change.new_email) != (data.get("old"), data.get("new"))
        or change.user.email != change.old_email
    ):
        raise EmailChangeLinkInvalid(
            "This link was already used, or a newer request replaced it. Sign in, or ask "
            "for the change again."
        )
    return change


def email_change_pending(*, token: str) -> PendingChange:
    """The open request a link names; EmailChangeLinkInvalid when it is used, replaced,
    expired or forged."""
    return PendingChange(change=_open_change(token, lock=False), token=token)


def email_change_confirm(*, token: str, ip: str | None = None) -> User:
    """Apply the change the link names: the user signs in with the new address from now
    on, every session of theirs ends, the old address is told, and ``email_changed`` is
    sent (for a designated contact, the vendor is told). Refused, without naming anyone,
    if the address is taken meanwhile."""
    with transaction.atomic():
        change = _open_change(token, lock=True)
        user = change.user
        old, new = change.old_email, change.new_email
        now = timezone.now()
        taken = User.objects.filter(email=normalise_email(new)).exclude(pk=user.pk).exists()
        if not taken:
            try:
                with transaction.atomic():
                    user.email = new
                    user.save(update_fields=["email"])
            except IntegrityError:
                taken = True
        if taken:
            user.email = old
            EmailChange.objects.filter(pk=change.pk).update(cancelled_at=now)
            audit_record(
                action="user.email_change_refused",
                customer=user.customer,
                target=old,
                ip=ip,
                old=old,
                new=new,
            )
            refused = EmailChangeRefused(
                "The sign-in e-mail could not be changed to this address. Ask whoever "
                "requested it to choose another address.",
            )
        else:
            refused = None
            EmailChange.objects.filter(pk=change.pk).update(confirmed_at=now)
            vendor = settings.VENDOR_NAME
            notification_queue(
                to=[old],
                subject=f"Your {vendor} Support sign-in e-mail was changed",
                body=(
                    f"Hello{' ' + user.full_name if user.full_name else ''},\n\n"
                    f"Your {vendor} Support account now signs in with {new} instead of "
                    f"{old}; the new address confirmed the change. Every session signed in "
                    "before the change has ended.\n\nIf this is a mistake, contact your "
                    f"designated contact or {vendor} Support at once.\n"
                ),
                kind="user.email_changed",
                customer_id=user.customer_id,
            )
            email_changed.send(sender=EmailChange, change=change, user=user)
            audit_record(
                action="user.email_changed",
                actor=change.requested_by,
                customer=user.customer,
                target=new,
                ip=ip,
                old=old,
                new=new,
            )
    if refused is not None:
        raise refused
    return user
