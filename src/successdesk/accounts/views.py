"""Sign-in, sign-out, password reset, e-mail change and the landing redirect."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from successdesk.accounts.email_change import email_change_confirm as email_change_apply
from successdesk.accounts.email_change import email_change_pending
from successdesk.accounts.network import client_ip
from successdesk.domain.errors import DomainError

from .forms import SignInForm
from .models import normalise_email
from .tasks import password_reset_mail
from .throttles import (
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
