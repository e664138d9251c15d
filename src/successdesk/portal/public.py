"""Public pages of the "Send a Message" flow: the receipt after sending, and the link a
sender opens to confirm that the message is theirs."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from successdesk.cases.senders import confirmation_read
from successdesk.domain.errors import DomainError
from successdesk.triage.services import case_sender_confirm

RECEIPT_SALT = "successdesk.portal.help-sent"
RECEIPT_MAX_AGE = timedelta(hours=1)
CONFIRM_TEMPLATE = "portal/help_confirm.html"


def receipt_sign(number: str) -> str:
    """What ``/help/?sent=`` carries after a send: the case number, signed by the server
    (empty for a message that was not kept, e.g. a bot's)."""
    return signing.dumps(number, salt=RECEIPT_SALT)


def receipt_read(value: str | None) -> str | None:
    """The case number of a genuine, recent receipt ("" for one without a number); None
    for anything else, which the page then ignores (nothing of it is shown)."""
    if not value:
        return None
    try:
        number = signing.loads(value, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    except signing.BadSignature:
        return None
    return number if isinstance(number, str) else None


@require_http_methods(["GET", "POST"])
def help_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to a "Send a Message" address: GET asks, POST confirms (so a mail
    scanner that opens links confirms nothing)."""
    try:
        if request.method == "POST":
            case = case_sender_confirm(token=token)
            return render(request, CONFIRM_TEMPLATE, {"case": case, "confirmed": True})
        case = confirmation_read(token)
    except DomainError as exc:
        context = {"refusal": exc.message, "title": exc.title}
        return render(request, CONFIRM_TEMPLATE, context, status=exc.status)
    return render(request, CONFIRM_TEMPLATE, {"case": case, "confirmed": False})
