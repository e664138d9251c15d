"""Small helpers shared by the portal and the console pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views.decorators.cache import never_cache

from successdesk.accounts.models import User
from successdesk.domain.errors import DomainError, NotFound


def refuse(form: forms.Form, exc: DomainError) -> None:
    """Show a rule's refusal on the form: on its field when the form has it."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def short_when(value: datetime | None, *, year: bool = False) -> str:
    """``Fri 27 Nov 14:05`` (``Fri 27 Nov 2026, 14:05 EST`` with ``year``) in the active
    time zone: the `date:"D j M H:i"` filter's output, for lists, without its per-call cost.
    Empty for no time."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    if year:
        return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def not_found(exc: NotFound) -> Http404:
    return Http404(exc.message)


def attachment_response(file: object, *, name: str, content_type: str) -> FileResponse:
    """Serve an uploaded file as a download, never rendered inline."""
    response = FileResponse(file, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def parse_id(raw: str | None) -> int | None:
    """A database id from a form value, or None for anything else (too long, not digits)."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


View = Callable[..., HttpResponseBase]


def staff_only(view: View) -> View:
    """Signed in, vendor staff (anyone else: 404), never cached."""

    @wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_vendor_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(never_cache(wrapped))


def require_customer(request: Any) -> None:
    """The portal is the customer's: vendor staff get 404 there."""
    if request.user.customer_id is None:
        raise Http404


def staff_member(raw: str | None) -> User | None:
    """The vendor staff user a form's select names, or None."""
    pk = parse_id(raw)
    return User.objects.filter(pk=pk, customer__isnull=True).first() if pk else None
