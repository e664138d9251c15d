"""The sign-in lockout (django-axes) counts failures per account, by one spelling of it.

``User@Example.com`` and `` user@example.com`` are the same account to sign-in (the user
lookup ignores case), so they must be the same account to the failure count too: otherwise
changing the letter case of the address starts a fresh count and gets past a lockout.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .password_reset import normalise_email


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the typed address, stripped and lower-cased."""
    field = settings.AXES_USERNAME_FORM_FIELD
    raw: object = None
    if credentials:
        raw = credentials.get(field)
    elif request is not None:
        raw = getattr(request, "POST", {}).get(field)
    if raw is None:
        return None
    return normalise_email(str(raw))


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the page that says which account is locked, for how long,
    and who can lift it (429)."""
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    return render(
        request,
        "accounts/locked_out.html",
        {
            "username": axes_username(request, credentials) or "",
            "minutes": minutes,
            "failure_limit": get_failure_limit(request, credentials),
        },
        status=429,
    )
