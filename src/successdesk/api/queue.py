"""Queues for vendor staff: the triage queue and each team's queue, in priority order."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from successdesk.accounts.models import User
from successdesk.cases.models import Case
from successdesk.domain.intake import Channel
from successdesk.domain.lifecycle import CaseStatus
from successdesk.triage.badges import SlaBadge, badges_by_case
from successdesk.triage.selectors import MAX_LIMIT, queue_page, queue_team, queue_triage, team_get

from .problems import UnknownTeamProblem, problem_responses
from .schemas import Severity

router = Router(tags=["queues"])


class QueueFilters(Schema):
    team: str | None = Field(
        None, max_length=60, description="A support team's slug; without it, the triage queue."
    )
    cursor: str | None = Field(
        None, max_length=400, description="`next_cursor` of the previous page."
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT)


class SlaOut(Schema):
    clock: Literal["first_response", "resolution"]
    state: Literal["on_track", "at_risk", "breached", "paused", "met", "missed"]
    due_at: datetime | None
    remaining_seconds: int = Field(description="Business time left; negative once overdue.")


class QueueItemOut(Schema):
    number: str
    subject: str
    customer: str | None
    package: str | None
    routing_priority: int
    severity: Severity
    status: CaseStatus
    channel: Channel
    team: str | None
    assignee: str | None
    created_at: datetime
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    sla: list[SlaOut]


class QueuePageOut(Schema):
    queue: str = Field(description='"triage" or the team\'s slug.')
    items: list[QueueItemOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null: end.")
    limit: int


def _item(case: Case, badges: list[SlaBadge]) -> dict[str, Any]:
    version = case.package_version
    return {
        "number": case.number,
        "subject": case.subject,
        "customer": case.customer.name if case.customer else None,
        "package": version.package.slug if version else None,
        "routing_priority": case.routing_priority,
        "severity": case.severity,
        "status": case.status,
        "channel": case.channel,
        "team": case.team.slug if case.team else None,
        "assignee": case.assignee.email if case.assignee else None,
        "created_at": case.created_at,
        "first_response_due_at": case.first_response_due_at,
        "resolution_due_at": case.resolution_due_at,
        "sla": [
            {
                "clock": b.clock,
                "state": b.state,
                "due_at": b.due_at,
                "remaining_seconds": int(b.remaining.total_seconds()),
            }
            for b in badges
        ],
    }


@router.get(
    "/queue",
    response={200: QueuePageOut, **problem_responses(401, 404, 422, typed=(UnknownTeamProblem,))},
    summary="A queue in priority order (vendor staff)",
    description=(
        "The triage queue (new cases), or with `team` that team's queue (new, triaged and in "
        "progress), ordered by package routing priority (Premier Success Plus first), then "
        "severity, then the resolution due time (none last), then age. Keyset pages: pass "
        "`next_cursor` as `cursor`. Customers get 404; an unknown team is 422 `unknown_team` "
        "(with the known slugs); a damaged cursor is 422 `invalid_cursor`."
    ),
)
def queue_get(request: HttpRequest, filters: Query[QueueFilters]) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    if not user.is_vendor_staff:
        raise Http404
    if filters.team is None:
        name, cases = "triage", queue_triage()
    else:
        team = team_get(filters.team)
        name, cases = team.slug, queue_team(team)
    page = queue_page(cases, queue=name, cursor=filters.cursor, limit=filters.limit)
    badges = badges_by_case(page.cases, timezone.now())
    return {
        "queue": page.queue,
        "items": [_item(c, badges[c.pk]) for c in page.cases],
        "next_cursor": page.next_cursor,
        "limit": page.limit,
    }
