"""Sign-in, sign-out, the public help page and the landing redirect."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from successdesk.accounts.email_change import email_change_confirm as email_change_apply
from successdesk.accounts.email_change import email_change_pending
from successdesk.accounts.network import client_ip
from successdesk.accounts.phone import phone_line_status
from successdesk.domain.errors import DomainError
from successdesk.domain.intake import Source
from successdesk.web import refuse

from .forms import SignInForm
from .models import normalise_email
from .tasks import password_reset_mail
from .throttles import (
    contact_form_throttled,
    password_reset_throttled,
    sign_in_failure_count,
    sign_in_ip_throttled,
)


class SignInView(auth_views.LoginView):
    """Sign-in. Failures lock the *account* (django-axes, per account and per account +
    address); failures from one client address beyond SIGN_IN_IP_RATE get a 429 for a while,
    whichever accounts they were for."""

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limited = sign_in_ip_throttled(request)
        if limited is not None:
            return render(
                request,
                "accounts/sign_in_throttled.html",
                {"minutes": limited.minutes, "limit": limited.limit},
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        sign_in_failure_count(self.request)
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """“Forgot Password?”: answers at once and the same way for any address. The address
    goes to a background task that looks the account up and writes the e-mail to the outbox;
    requests are limited per address and per client address (429 beyond)."""

    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("password_reset_done")

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["timeout_minutes"] = settings.PASSWORD_RESET_TIMEOUT // 60
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        limited = password_reset_throttled(self.request)
        if limited is not None:
            where = "this address" if limited.scope == "address" else "your network"
            form.add_error(
                None,
                f"Too many password reset requests for {where} in a short time. Wait "
                f"{limited.minutes} minute{'s' if limited.minutes != 1 else ''} and try "
                "again, or ask one of your organisation's designated contacts to send you a "
                "reset link.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        password_reset_mail.enqueue(normalise_email(form.cleaned_data["email"]))
        return redirect(self.get_success_url())


@never_cache
@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to a new sign-in address: GET shows what would change (mail
    scanners that open links change nothing), POST confirms it."""
    try:
        if request.method == "POST":
            user = email_change_apply(token=token, ip=client_ip(request))
            return render(request, "accounts/email_change_done.html", {"email": user.email})
        pending = email_change_pending(token=token)
    except DomainError as exc:
        return render(
            request,
            "accounts/email_change_confirm.html",
            {"error": exc.message, "title": exc.title},
            status=exc.status,
        )
    return render(request, "accounts/email_change_confirm.html", {"change": pending.change})


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    if request.user.customer_id is None:
        return redirect("console:home")
    return redirect("portal:home")


@require_http_methods(["GET", "POST"])
def help_page(request: HttpRequest) -> HttpResponse:
    """“Need Help?”: the phone line, and the public “Send a Message” form. After a send,
    ``?sent=`` carries a receipt the server signed: anything else shows nothing."""
    from successdesk.cases.forms import ContactForm
    from successdesk.cases.services import CaseDraft, case_open
    from successdesk.portal.public import receipt_read, receipt_sign

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
                case = case_open(
                    source=Source.CONTACT_FORM,
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
