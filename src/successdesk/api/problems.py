"""RFC 9457 problem details: the one shape every API error takes.

``Problem`` is the common shape; a refusal that carries more members (the phone number of a
Severity 1 refusal, the quota of a 429, …) has its own model here, declared on the
operations that can answer it, so that a generated client gets those members typed. Every
model is closed (``additionalProperties: false``): a member the document does not declare
makes the answer invalid, which the schema checks of the fuzz tests then find.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from pydantic import ConfigDict, Field

from .schemas import Pool

PROBLEM_CONTENT_TYPE = "application/problem+json"


class Problem(Schema):
    """An error answer (RFC 9457). ``code`` is stable and machine-readable."""

    model_config = ConfigDict(extra="forbid")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    field: str | None = Field(None, description="The input member the refusal is about.")


class FieldError(Schema):
    model_config = ConfigDict(extra="forbid")

    field: str = Field(description="Dotted path of the member, e.g. `severity`.")
    message: str
    type: str = Field(description="pydantic's error type, e.g. `int_type`, `missing`.")


class ValidationProblem(Problem):
    """422 ``validation_error``: the request does not match the schema."""

    code: Literal["validation_error"]
    errors: list[FieldError]


class Severity1Problem(Problem):
    """422 ``severity_1_requires_phone``: Severity 1 must be phoned in."""

    code: Literal["severity_1_requires_phone"]
    phone: str = Field(description="The support line's number.")
    phone_hours: str = Field(description="When the line is staffed, in words.")
    phone_open_now: bool
    phone_next_open: datetime | None = Field(
        None, description="When the line opens next (absent while it is open)."
    )


class FairUsageProblem(Problem):
    """429 ``fair_usage_limit_reached``: this month's pool is used up."""

    code: Literal["fair_usage_limit_reached"]
    kind: Pool = Field(description="The fair-usage pool that is used up.")
    limit: int
    used: int
    extra_granted: int
    resets_at: datetime = Field(description="The first instant of next month, customer's zone.")


class NotEntitledProblem(Problem):
    """403 ``not_entitled``: the customer's package does not include the feature."""

    code: Literal["not_entitled"]
    feature: str
    included_in: list[str] = Field(description="The packages that include it.")


class TrainingIncompleteProblem(Problem):
    """422 ``training_incomplete``: the user has not completed the required training."""

    code: Literal["training_incomplete"]
    missing: list[str] = Field(description="The courses still to complete.")


class UnknownTeamProblem(Problem):
    """422 ``unknown_team``: no support team has that slug."""

    code: Literal["unknown_team"]
    teams: list[str] = Field(description="The known team slugs.")


class FeeConfirmationProblem(Problem):
    """409 ``fee_confirmation_required``: naming this contact is billed; confirm the fee."""

    code: Literal["fee_confirmation_required"]
    amount: str = Field(description="The fee, a decimal with two places, e.g. `500.00`.")
    currency: str = Field(description="ISO 4217 code of `amount`.")
    position: int = Field(description="The contact's place on the roster (beyond those included).")
    period_start: date
    period_end: date


TYPED: tuple[type[Problem], ...] = (
    ValidationProblem,
    Severity1Problem,
    FairUsageProblem,
    NotEntitledProblem,
    TrainingIncompleteProblem,
    UnknownTeamProblem,
    FeeConfirmationProblem,
)
"""Every problem model with members of its own (the OpenAPI document lists them all)."""


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


def problem_responses(*statuses: int, typed: tuple[type[Problem], ...] = ()) -> dict[int, Any]:
    """The ``response=`` entries that declare an endpoint's error answers: for each status,
    the typed problems of ``typed`` that answer with it (and the plain ``Problem``)."""
    declared: dict[int, Any] = {}
    for status in statuses:
        models = [m for m in typed if _status_of(m) == status]
        if status == 422 and ValidationProblem not in models:
            models.insert(0, ValidationProblem)
        union: Any = Problem
        for model in reversed(models):
            union = model | union
        declared[status] = union
    return declared


_STATUSES: dict[type[Problem], int] = {
    ValidationProblem: 422,
    Severity1Problem: 422,
    FairUsageProblem: 429,
    NotEntitledProblem: 403,
    TrainingIncompleteProblem: 422,
    UnknownTeamProblem: 422,
    FeeConfirmationProblem: 409,
}


def _status_of(model: type[Problem]) -> int:
    return _STATUSES[model]
