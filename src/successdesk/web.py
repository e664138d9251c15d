"""Small helpers shared by the portal and the console pages."""

from __future__ import annotations

from django import forms
from django.http import FileResponse, Http404

from successdesk.domain.errors import DomainError, NotFound


def refuse(form: forms.Form, exc: DomainError) -> None:
    """Show a rule's refusal on the form: on its field when the form has it."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


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
