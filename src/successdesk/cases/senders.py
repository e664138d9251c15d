"""The public form's sender check: who a "Send a Message" sender may be, the link that
proves they hold the address, and the mails an unverified case sends.

Anyone can type anyone's address into the public form. So a case from it is unverified
until its sender proves the address (the link mailed to it: signed, expiring, and of use
once, because it only verifies a case that is still unverified) or a triage agent verifies
it. Until then it belongs to no customer, has no requester and no package priority, and
the mails it triggers carry nothing its sender chose but the subject.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from successdesk.accounts.models import User
from successdesk.domain.errors import Conflict, DomainError, InvalidInput
from successdesk.notifications.services import notification_queue

from .models import Case

SALT = "successdesk.cases.sender-confirmation"


class ConfirmationLinkInvalid(InvalidInput):
    code = "confirmation_link_invalid"
    status = 400
    title = "This confirmation link is not valid"


class ConfirmationLinkExpired(DomainError):
    code = "confirmation_link_expired"
    status = 410
    title = "This confirmation link has expired"


class ConfirmationLinkUsed(Conflict):
    code = "confirmation_link_used"
    title = "This confirmation link was already used"

    def __init__(self, case: Case) -> None:
        super().__init__(
            f"Case {case.number} is already confirmed: this link was used, or our team "
            "verified it. Sign in to follow it in the portal."
        )


def sender_match(email: str) -> User | None:
    """The active customer user whose sign-in address this is (any letter case), or None."""
    email = email.strip()
    if not email:
        return None
    return (
        User.objects.select_related("customer")
        .filter(
            email__iexact=email,
            customer__isnull=False,
            customer__is_active=True,
            is_active=True,
        )
        .first()
    )


def confirmation_max_age() -> timedelta:
    return timedelta(hours=settings.SENDER_CONFIRMATION_HOURS)


def _address_digest(email: str) -> str:
    # The link binds the address without showing it (links end up in logs and histories).
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


def confirmation_token(case: Case) -> str:
    """The signed token of ``case``'s confirmation link (bound to the case and address)."""
    return signing.dumps(
        {"case": case.pk, "address": _address_digest(case.requester_email)}, salt=SALT
    )


def confirmation_read(token: str, *, at: datetime | None = None) -> Case:
    """The case a confirmation link names, if the link is genuine, unused and in time
    (``SENDER_CONFIRMATION_HOURS`` from the message's arrival)."""
    try:
        data: Any = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise _invalid() from exc
    if not isinstance(data, dict) or not isinstance(data.get("case"), int):
        raise _invalid()
    case = Case.objects.filter(pk=data["case"]).first()
    if case is None or _address_digest(case.requester_email) != data.get("address"):
        raise _invalid()
    if case.is_verified:
        raise ConfirmationLinkUsed(case)
    if (at or timezone.now()) > case.created_at + confirmation_max_age():
        raise ConfirmationLinkExpired(
            f"This link was valid for {settings.SENDER_CONFIRMATION_HOURS} hours and has "
            f"expired: case {case.number} was not confirmed. If you sent the message, our "
            "team will still answer it by e-mail; or send it again from the Need Help? page.",
        )
    return case


def _invalid() -> ConfirmationLinkInvalid:
    return ConfirmationLinkInvalid(
        "This confirmation link is damaged or incomplete: nothing was confirmed. Open the "
        "link exactly as it is in the e-mail (copy the whole address if it is split over "
        "two lines)."
    )


# --- mail -----------------------------------------------------------------------------------


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def notify_unverified_opened(case: Case) -> None:
    """The intake mail of an unverified case, to the address given (nobody else): a
    confirmation link when the address is a customer user's, else a plain receipt. No
    portal link, no name, description or anything else the sender typed but the subject."""
    if case.sender_match_id is not None:
        link = _site(reverse("help_confirm", args=[confirmation_token(case)]))
        subject = f"[{case.number}] Confirm a message sent with your address: {case.subject}"
        body = (
            "Hello,\n\n"
            f"Someone sent a message to {settings.VENDOR_NAME} Support in your name, with "
            f"this e-mail address ({case.requester_email}). It is case {case.number}, with "
            f"the subject “{case.subject}”.\n\n"
            "If it was you, confirm it with this link (valid for "
            f"{settings.SENDER_CONFIRMATION_HOURS} hours):\n{link}\n\n"
            "Once you confirm it, the case appears in your support portal and is handled "
            "under your organisation's support package.\n\n"
            "If it wasn't you, ignore this e-mail: the message stays out of your "
            "organisation's portal and nothing is done in your name.\n\n"
            f"{settings.VENDOR_NAME} Support\n"
        )
        kind = "case.sender_confirmation"
    else:
        subject = f"[{case.number}] We received your message: {case.subject}"
        body = (
            "Hello,\n\n"
            f"We received your message as case {case.number}, with the subject "
            f"“{case.subject}”. Our support team will reply to you by e-mail at this "
            f"address; quote {case.number} if you write to us again.\n\n"
            f"Support is available in {', '.join(settings.VENDOR_LANGUAGES)}. For Severity 1 "
            f"issues, call {settings.VENDOR_SUPPORT_PHONE}.\n\n"
            "If you did not send this message, ignore this e-mail.\n\n"
            f"{settings.VENDOR_NAME} Support\n"
        )
        kind = "case.opened"
    notification_queue(
        to=[case.requester_email],
        subject=subject,
        body=body,
        kind=kind,
        key=f"case-opened:{case.pk}",
        thread=case.number,
        fresh=True,
    )
