"""Audit entries for sign-in success, failure and sign-out."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from .audit import audit_record
from .models import User
from .network import client_ip


@receiver(user_logged_in)
def _signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session["signed_in_at"] = request.session["renewed_at"] = now
    audit_record(
        action="auth.sign_in",
        actor=user,
        target=user.email,
        ip=client_ip(request) if request is not None else None,
    )


@receiver(user_login_failed)
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or credentials.get("email") or "")
    audit_record(
        action="auth.sign_in_failed",
        target=username,
        ip=client_ip(request) if request is not None else None,
    )


@receiver(user_logged_out)
def _signed_out(sender: Any, request: HttpRequest | None, user: User | None, **kw: Any) -> None:
    audit_record(
        action="auth.sign_out",
        actor=user,
        target=getattr(user, "email", ""),
        ip=client_ip(request) if request is not None else None,
    )
