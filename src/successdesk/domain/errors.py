"""The DomainError hierarchy: every refusal carries a stable, machine-readable code.

The API turns a DomainError into an RFC 9457 problem+json answer whose ``code`` is the
error's code and whose ``status`` is the error's ``status`` hint; pages show ``message``.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """A rule refused something. ``message`` says why and what to do instead."""

    code: ClassVar[str] = "domain_error"
    status: ClassVar[int] = 422
    title: ClassVar[str] = "The request breaks a business rule"

    def __init__(self, message: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra: dict[str, Any] = extra

    def as_problem(self) -> dict[str, Any]:
        """The problem+json members this error contributes (without ``type``/``instance``)."""
        body: dict[str, Any] = {
            "title": self.title,
            "status": self.status,
            "detail": self.message,
            "code": self.code,
        }
        if self.field is not None:
            body["field"] = self.field
        body.update(self.extra)
        return body


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422
    title = "Invalid input"


class InvalidCursor(InvalidInput):
    """A keyset page's cursor that cannot be used (damaged, or from another list)."""

    code = "invalid_cursor"
    title = "Invalid page cursor"

    def __init__(self, why: str) -> None:
        super().__init__(
            f"{why} Use the `next_cursor` of the previous page as it was given, or start "
            "again from the first page without a cursor.",
            field="cursor",
        )


class NotFound(DomainError):
    code = "not_found"
    status = 404
    title = "Not found"


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    title = "Permission denied"


class Conflict(DomainError):
    code = "conflict"
    status = 409
    title = "Conflict"


class CalendarError(InvalidInput):
    """A business calendar that cannot be built (e.g. one with no open time at all)."""

    code = "invalid_calendar"
    title = "Invalid business calendar"
