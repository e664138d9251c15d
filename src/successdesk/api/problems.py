"""RFC 9457 problem details: the one shape every API error takes."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema

PROBLEM_CONTENT_TYPE = "application/problem+json"


class Problem(Schema):
    """An error answer (RFC 9457). ``code`` is stable and machine-readable."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    field: str | None = None
    errors: list[dict[str, Any]] | None = None


def problem_response(
    request: HttpRequest | None,
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"https://successdesk.example/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if request is not None:
        body["instance"] = request.path
    body.update({k: v for k, v in extra.items() if v is not None})
    response = HttpResponse(
        json.dumps(body, default=str), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def problem_responses(*statuses: int) -> dict[int, type[Problem]]:
    """The ``response=`` entries that declare an endpoint's error answers."""
    return dict.fromkeys(statuses, Problem)
