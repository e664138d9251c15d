"""Sign-in, sign-out, the public help page and the landing redirect."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_GET, require_http_methods

from successdesk.accounts.network import client_ip
from successdesk.accounts.phone import phone_line_status
from successdesk.domain.errors import DomainError
from successdesk.domain.intake import Source
from successdesk.ratelimit import allow
from successdesk.web import refuse

from .forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["timeout_minutes"] = settings.PASSWORD_RESET_TIMEOUT // 60
        return context


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
        if not allow("contact", client_ip(request) or "unknown", settings.CONTACT_FORM_RATE):
            form.add_error(
                None,
                "Too many messages from your network in a short time. Wait a few minutes, "
                "or call us.",
            )
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
        status=429 if form.errors.get("__all__") and "Too many" in str(form.errors) else 200,
    )
