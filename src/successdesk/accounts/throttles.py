"""Request limits for sign-in and password recovery (django-ratelimit on the shared cache,
``CACHE_URL``: Redis when several processes serve the site).

- Sign-in: failures per client address, far above the per-account lockout (django-axes), so
  that one person's typos never lock out the office but a password spray from one address is
  slowed down.
- “Forgot Password?”: requests per address asked for and per client address.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from .models import normalise_email
from .network import client_ip


def _ip_key(group: str, request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _reset_email_key(group: str, request: HttpRequest) -> str:
    return normalise_email(str(request.POST.get("email", "")))


@dataclass(frozen=True)
class Limited:
    """A limit that is reached: how many were allowed and when to try again."""

    limit: int
    minutes: int
    scope: str  # "address" (the e-mail asked for) or "network" (the client's address)


def _check(
    request: HttpRequest, *, group: str, key: object, rate: str, increment: bool, scope: str
) -> Limited | None:
    usage = get_usage(request, group=group, key=key, rate=rate, increment=increment)
    if usage is None:
        return None
    reached = usage["should_limit"] if increment else usage["count"] >= usage["limit"]
    if not reached:
        return None
    minutes = max(1, math.ceil(usage["time_left"] / 60))
    return Limited(limit=usage["limit"], minutes=minutes, scope=scope)


def sign_in_ip_throttled(request: HttpRequest) -> Limited | None:
    """Whether the client's address has used up its failed sign-ins (counts nothing)."""
    return _check(
        request,
        group="sign-in-ip",
        key=_ip_key,
        rate=settings.SIGN_IN_IP_RATE,
        increment=False,
        scope="network",
    )


def sign_in_failure_count(request: HttpRequest) -> None:
    """Count one failed sign-in against the client's address."""
    _check(
        request,
        group="sign-in-ip",
        key=_ip_key,
        rate=settings.SIGN_IN_IP_RATE,
        increment=True,
        scope="network",
    )


def password_reset_throttled(request: HttpRequest) -> Limited | None:
    """Count one “Forgot Password?” request per address asked for and per client address;
    the limit reached, if any."""
    by_email = _check(
        request,
        group="password-reset-email",
        key=_reset_email_key,
        rate=settings.PASSWORD_RESET_EMAIL_RATE,
        increment=True,
        scope="address",
    )
    by_ip = _check(
        request,
        group="password-reset-ip",
        key=_ip_key,
        rate=settings.PASSWORD_RESET_IP_RATE,
        increment=True,
        scope="network",
    )
    return by_email or by_ip


def contact_form_throttled(request: HttpRequest) -> Limited | None:
    """Count one public “Send a Message” per client address; the limit reached, if any."""
    return _check(
        request,
        group="contact-form",
        key=_ip_key,
        rate=settings.CONTACT_FORM_RATE,
        increment=True,
        scope="network",
    )
