"""Public pages of the "Send a Message" flow: “Need Help?” with the form, the receipt after
sending, and the link a sender opens to confirm that the message is theirs."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from successdesk.accounts.throttles import contact_form_throttled
from successdesk.cases.forms import ContactForm
from successdesk.cases.senders import confirmation_read
from successdesk.domain.errors import DomainError
from successdesk.triage.services import case_sender_confirm
from successdesk.web import refuse

from .phone import phone_line_status
from .services import CaseDraft, case_open_contact_form

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


@require_http_methods(["GET", "POST"])
def help_page(request: HttpRequest) -> HttpResponse:
    """“Need Help?”: the phone line, and the public “Send a Message” form. After a send,
    ``?sent=`` carries a receipt the server signed: anything else shows nothing."""
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["website"]:
            # The honeypot was filled in: a bot. Answer as usual, keep nothing.
            return redirect(f"{reverse('help')}?sent={receipt_sign('')}")
        if contact_form_throttled(request) is not None:
            form.add_error(
                None,
                "Too many messages from your network in a short time. Wait a few minutes, "
                "or call us.",
            )
            context = {"phone": phone_line_status(), "message_form": form, "sent": None}
            return render(request, "accounts/help.html", context, status=429)
        else:
            try:
                case = case_open_contact_form(
                    draft=CaseDraft(
                        subject=data["subject"],
                        description=data["description"],
                        severity=3,
                        requester_name=data["name"],
                        requester_email=data["email"],
                        requester_phone=data["phone"],
                        stated_customer_name=data["customer_name"],
                    ),
                )
            except DomainError as exc:
                refuse(form, exc)
            else:
                return redirect(f"{reverse('help')}?sent={receipt_sign(case.number)}")
    sent = receipt_read(request.GET.get("sent")) if request.method == "GET" else None
    return render(
        request,
        "accounts/help.html",
        {"phone": phone_line_status(), "message_form": form, "sent": sent},
    )
