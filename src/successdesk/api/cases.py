"""Cases: open (Severity 1 must be phoned in), list, read, comment."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from successdesk.accounts.models import User
from successdesk.cases.conversation import comment_add
from successdesk.cases.models import Case, Comment
from successdesk.cases.selectors import (
    case_get,
    case_thread,
    cases_filter,
    cases_newest_page,
    cases_visible_to,
)
from successdesk.domain.errors import InvalidInput
from successdesk.domain.intake import Channel
from successdesk.domain.lifecycle import CaseStatus, ResolutionType, customer_visible_label
from successdesk.intake.parties import case_parties
from successdesk.intake.services import CaseDraft, case_open_api

from .idempotency import IdempotencyKey, idempotent
from .problems import NotEntitledProblem, Severity1Problem, problem_responses
from .schemas import HAS_TEXT, Category, Severity

router = Router(tags=["cases"])


class CaseIn(Schema):
    subject: str = Field(min_length=1, max_length=200, pattern=HAS_TEXT)
    description: str = Field(min_length=1, max_length=20_000, pattern=HAS_TEXT)
    severity: Severity
    category: Category | None = Field(None, description="What the case is about (optional).")
    steps_to_reproduce: str = Field("", max_length=20_000)
    customer: int | None = Field(
        None,
        ge=1,
        description=(
            "Vendor staff (triage agents, support agents, admins): the id of the customer the "
            "case is for (required for them). Customer users leave it out (or give their own "
            "customer's id)."
        ),
    )

    model_config = {"extra": "forbid", "strict": True}


class CommentOut(Schema):
    id: int
    author: str
    body: str
    by_staff: bool
    internal: bool
    created_at: datetime


class CaseOut(Schema):
    number: str
    subject: str
    description: str
    severity: Severity
    category: str = Field(description="The requester's category, or triage's finer one.")
    steps_to_reproduce: str
    channel: Channel
    status: CaseStatus
    status_label: str
    customer: str | None
    requester: str
    created_at: datetime
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    first_responded_at: datetime | None
    resolution_type: ResolutionType | Literal[""]
    resolution_summary: str


class CaseDetailOut(CaseOut):
    comments: list[CommentOut]


class CasePage(Schema):
    items: list[CaseOut]
    count: int = Field(description="Matching cases, exact up to 1,000 (see count_capped).")
    count_capped: bool = Field(description="True when more than 1,000 cases match.")
    limit: int
    offset: int
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class CommentIn(Schema):
    body: str = Field(min_length=1, max_length=20_000, pattern=HAS_TEXT)

    model_config = {"extra": "forbid", "strict": True}


class CaseFilters(Schema):
    status: (
        Literal["open", "new", "triaged", "in_progress", "awaiting_customer", "resolved", "closed"]
        | None
    ) = None
    severity: int | None = Field(None, ge=1, le=4)
    q: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10_000)
    cursor: str | None = Field(None, max_length=200)


def case_out(case: Case, user: User) -> dict[str, Any]:
    staff = user.is_vendor_staff
    return {
        "number": case.number,
        "subject": case.subject,
        "description": case.description,
        "severity": case.severity,
        "category": case.category,
        "steps_to_reproduce": case.steps_to_reproduce,
        "channel": case.channel,
        "status": case.status,
        "status_label": case.get_status_display() if staff else customer_visible_label(case.status),
        "customer": case.customer.name if case.customer else None,
        "requester": case.requester_name or case.requester_email,
        "created_at": case.created_at,
        "first_response_due_at": case.first_response_due_at,
        "resolution_due_at": case.resolution_due_at,
        "first_responded_at": case.first_responded_at,
        "resolution_type": case.resolution_type,
        "resolution_summary": case.resolution_summary,
    }


def comment_out(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author": comment.author_name,
        "body": comment.body,
        "by_staff": comment.by_staff,
        "internal": comment.is_internal,
        "created_at": comment.created_at,
    }


def _json(data: dict[str, Any]) -> dict[str, Any]:
    return CaseDetailOut(**data).model_dump(mode="json")


@router.post(
    "/cases",
    response={
        201: CaseDetailOut,
        **problem_responses(401, 403, 404, 422, typed=(Severity1Problem, NotEntitledProblem)),
    },
    summary="Open a case",
    description=(
        "Opens a case and returns it with its `number`: for the caller's customer, or, for "
        "vendor staff (triage agents, support agents, admins), for the customer named by "
        "`customer`. Severity 1 must be phoned in: it is refused with 422 "
        "`severity_1_requires_phone`, the phone number, its hours and whether the line is open "
        "now. Send `Idempotency-Key` to make retries safe: the same key and body replay the "
        "first answer; the same key with another body gets 422 `idempotency_key_reused`."
    ),
)
def cases_create(
    request: HttpRequest, payload: CaseIn, idempotency_key: IdempotencyKey = None
) -> Status[dict[str, Any]]:
    user: User = request.auth  # type: ignore[attr-defined]
    draft = payload.model_dump(exclude={"customer"})
    draft["category"] = draft["category"] or ""

    def create() -> tuple[int, dict[str, Any]]:
        parties = case_parties(actor=user, customer_id=payload.customer)
        case = case_open_api(
            customer=parties.customer,
            requester=parties.requester,
            created_by=user,
            draft=CaseDraft(**draft),
        )
        return 201, _json({**case_out(case, user), "comments": []})

    return Status(
        *idempotent(
            request, user=user, endpoint="POST /cases", payload=payload.model_dump(), create=create
        )
    )


@router.get("/cases", response={200: CasePage, **problem_responses(401, 422)}, summary="List cases")
def cases_list(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    qs = cases_filter(
        cases_visible_to(user), status=filters.status, severity=filters.severity, q=filters.q
    )
    if filters.cursor and filters.offset:
        raise InvalidInput("Page with `cursor` or with `offset`, not both.", field="offset")
    page = cases_newest_page(qs, limit=filters.limit, offset=filters.offset, cursor=filters.cursor)
    return {
        "items": [case_out(c, user) for c in page.cases],
        "count": page.count,
        "count_capped": page.count_capped,
        "limit": filters.limit,
        "offset": filters.offset,
        "next_cursor": page.next_cursor,
    }


@router.get(
    "/cases/{number}",
    response={200: CaseDetailOut, **problem_responses(401, 404)},
    summary="One case with its conversation",
)
def cases_get(request: HttpRequest, number: str) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    case = case_get(user=user, number=number)
    comments, _, _ = case_thread(case=case, user=user)
    return {**case_out(case, user), "comments": [comment_out(c) for c in comments]}


@router.post(
    "/cases/{number}/comments",
    response={201: CommentOut, **problem_responses(401, 403, 404, 409, 422)},
    summary="Reply on a case",
    description="Send `Idempotency-Key` to make retries safe, as when opening a case.",
)
def cases_comment_create(
    request: HttpRequest, number: str, payload: CommentIn, idempotency_key: IdempotencyKey = None
) -> Status[dict[str, Any]]:
    user: User = request.auth  # type: ignore[attr-defined]
    case = case_get(user=user, number=number)

    def create() -> tuple[int, dict[str, Any]]:
        comment = comment_add(case=case, author=user, body=payload.body)
        return 201, CommentOut(**comment_out(comment)).model_dump(mode="json")

    return Status(
        *idempotent(
            request,
            user=user,
            endpoint=f"POST /cases/{case.number}/comments",
            payload=payload.model_dump(),
            create=create,
        )
    )
