"""Service requests: submit (under the monthly fair-usage limit), list, read, and this
month's usage."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status

from successdesk.accounts.models import User
from successdesk.domain.errors import PermissionDenied
from successdesk.domain.service_flow import RequestStatus, ServiceKind
from successdesk.service_requests.models import ServiceRequest
from successdesk.service_requests.selectors import (
    request_get,
    request_history,
    requests_filter,
    requests_visible_to,
    usage_view,
)
from successdesk.service_requests.services import service_request_submit

from .idempotency import IdempotencyKey, idempotent
from .problems import FairUsageProblem, NotEntitledProblem, problem_responses
from .schemas import HAS_TEXT, Pool, QuotaKind

router = Router(tags=["service requests"])

Kind = Literal[
    "csv_import",
    "mass_data_update",
    "mass_targeting",
    "hub_replication",
    "custom_report",
    "match_criteria_fields",
    "referral_campaign_flow",
    "campaign_review",
    "event_review",
]


class ServiceRequestIn(Schema):
    kind: Kind = Field(description="An admin task kind, or campaign_review / event_review")
    details: str = Field(min_length=1, max_length=20_000, pattern=HAS_TEXT)

    model_config = {"extra": "forbid", "strict": True}


class RecommendationOut(Schema):
    area: str
    finding: str
    suggestion: str
    priority: Literal["high", "medium", "low"]


class EventOut(Schema):
    """One step of a request's history (``kind``: submitted, assigned, status_changed …)."""

    at: datetime
    kind: str
    from_status: str
    to_status: str


class ServiceRequestOut(Schema):
    number: str
    kind: Kind
    kind_label: str
    quota_kind: QuotaKind
    details: str
    status: RequestStatus
    customer: str
    requester: str | None
    assignee: str | None
    pool: Pool
    month: str = Field(description="The fair-usage month it counts in, `YYYY-MM`.")
    counted: bool
    outcome: str
    recommendations: list[RecommendationOut]
    possibly_excluded: list[str]
    created_at: datetime
    finished_at: datetime | None


class ServiceRequestDetailOut(ServiceRequestOut):
    events: list[EventOut]
    attachments: list[str]


class ServiceRequestPage(Schema):
    items: list[ServiceRequestOut]
    count: int
    limit: int
    offset: int


class Filters(Schema):
    status: (
        Literal["open", "submitted", "accepted", "in_progress", "delivered", "declined"] | None
    ) = None
    kind: ServiceKind | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class PoolOut(Schema):
    pool: Pool
    kinds: list[Kind] = Field(description="The service request kinds that count against it.")
    limit: int
    extra: int
    used: int
    remaining: int
    resets_at: datetime


class UsageOut(Schema):
    pools: list[PoolOut]
    not_included: dict[str, str]


def request_out(item: ServiceRequest) -> dict[str, Any]:
    kind = ServiceKind(item.kind)
    return {
        "number": item.number,
        "kind": item.kind,
        "kind_label": kind.label,
        "quota_kind": kind.quota_kind,
        "details": item.details,
        "status": item.status,
        "customer": item.customer.name,
        "requester": item.requester.get_full_name() if item.requester else None,
        "assignee": item.assignee.get_full_name() if item.assignee else None,
        "pool": item.pool,
        "month": item.month.strftime("%Y-%m"),
        "counted": item.counted,
        "outcome": item.outcome,
        "recommendations": item.recommendations,
        "possibly_excluded": [m["kind"] for m in item.exclusions],
        "created_at": item.created_at,
        "finished_at": item.finished_at,
    }


@router.post(
    "/service-requests",
    response={
        201: ServiceRequestDetailOut,
        **problem_responses(401, 403, 409, 422, 429, typed=(NotEntitledProblem, FairUsageProblem)),
    },
    summary="Submit a service request",
    description=(
        "Submits an admin task or an advisory review for the caller's customer. It counts "
        "against the monthly fair-usage limit (calendar month in the customer's time zone). "
        "Over the limit: 429 `fair_usage_limit_reached` with `limit`, `used`, `extra_granted` "
        "and `resets_at`. A package without the kind: 403 `not_entitled` with `included_in`. "
        "Send `Idempotency-Key` to make retries safe."
    ),
)
def service_requests_create(
    request: HttpRequest, payload: ServiceRequestIn, idempotency_key: IdempotencyKey = None
) -> Status[dict[str, Any]]:
    user: User = request.auth  # type: ignore[attr-defined]

    def create() -> tuple[int, dict[str, Any]]:
        item = service_request_submit(requester=user, kind=payload.kind, details=payload.details)
        body = {**request_out(item), "events": [], "attachments": []}
        body["events"] = [
            {"at": e.at, "kind": e.kind, "from_status": e.from_status, "to_status": e.to_status}
            for e in item.events.all()
        ]
        return 201, ServiceRequestDetailOut(**body).model_dump(mode="json")

    return Status(
        *idempotent(
            request,
            user=user,
            endpoint="POST /service-requests",
            payload=payload.model_dump(),
            create=create,
        )
    )


@router.get(
    "/service-requests",
    response={200: ServiceRequestPage, **problem_responses(401, 422)},
    summary="List service requests",
)
def service_requests_list(request: HttpRequest, filters: Query[Filters]) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    qs = requests_filter(requests_visible_to(user), status=filters.status, kind=filters.kind)
    count = qs.count()
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "items": [request_out(r) for r in page],
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
    }


@router.get(
    "/service-requests/usage",
    response={200: UsageOut, **problem_responses(401, 403)},
    summary="This month's fair-usage pools",
)
def service_requests_usage(request: HttpRequest) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    if user.customer is None:
        raise PermissionDenied("Usage is per customer: call this as a customer user.")
    view = usage_view(user.customer, timezone.now())
    return {
        "pools": [
            {
                "pool": p.status.kind,
                "kinds": [k.value for k in p.kinds],
                "limit": p.status.limit,
                "extra": p.status.extra,
                "used": p.status.used,
                "remaining": p.status.remaining,
                "resets_at": p.status.resets_at,
            }
            for p in view.pools
        ],
        "not_included": view.refusals,
    }


@router.get(
    "/service-requests/{number}",
    response={200: ServiceRequestDetailOut, **problem_responses(401, 404)},
    summary="One service request with its history",
)
def service_requests_get(
    request: HttpRequest,
    number: Annotated[
        str,
        Path(description="SR-000123 (or 123)", pattern=r"^(?i:SR-)?[0-9]{1,12}$"),
    ],
) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    item = request_get(user=user, number=number)
    attachments, events = request_history(item)
    return {
        **request_out(item),
        "events": [
            {"at": e.at, "kind": e.kind, "from_status": e.from_status, "to_status": e.to_status}
            for e in events
        ],
        "attachments": [a.original_name for a in attachments],
    }
