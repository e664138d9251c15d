"""Small helpers shared by the portal and the console pages."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import wraps
from typing import Any, overload

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views.decorators.cache import never_cache

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


def _page(view: View, *, allowed: Callable[[Any], bool], roles: tuple[str, ...] = ()) -> View:
    """A signed-in page (anonymous: the sign-in page), never cached, for the users
    ``allowed`` admits (anyone else: 404), and, with ``roles``, for those holding one of
    them (anyone else: 403). A rule's ``NotFound`` is the page's 404."""

    @wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not allowed(request.user):
            raise Http404
        if roles and not request.user.has_role(*roles):
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc

    return login_required(never_cache(wrapped))


def _is_staff(user: Any) -> bool:
    return bool(user.is_vendor_staff)


def _is_customer(user: Any) -> bool:
    return user.customer_id is not None


@overload
def staff_only(view: View, /) -> View: ...
@overload
def staff_only(*roles: str) -> Callable[[View], View]: ...
def staff_only(*args: Any) -> Any:
    """A console page: vendor staff only (customers: 404). ``@staff_only`` for any staff
    member, ``@staff_only(Role.ADMIN)`` for those roles only (other staff: 403)."""
    if len(args) == 1 and callable(args[0]):
        return _page(args[0], allowed=_is_staff)
    roles = tuple(str(role) for role in args)
    return lambda view: _page(view, allowed=_is_staff, roles=roles)


def customer_only(view: View) -> View:
    """A portal page: customer users only (vendor staff: 404); the portal is theirs."""
    return _page(view, allowed=_is_customer)


@contextmanager
def flash_refusal(request: Any) -> Iterator[None]:
    """Run a command whose refusal is shown as an error message on the next page (the rest
    of the ``with`` block is skipped); ``NotFound`` is not a refusal but a 404."""
    try:
        yield
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)


CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A CSV cell that spreadsheet programs will not run as a formula (CSV injection): text
    starting with ``= + - @``, a tab or a carriage return is prefixed with ``'``."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(CSV_FORMULA_PREFIXES) else text


def csv_response(
    filename: str, header: Sequence[object], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    """A CSV download (``filename`` without ``.csv``): every cell neutralised by
    :func:`csv_cell`, CRLF line ends, UTF-8."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow([csv_cell(cell) for cell in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return response
