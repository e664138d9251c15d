"""Reads for triage: routing rules, queues in priority order, keyset pages, teams.

Every queue is ordered in SQL by (routing priority desc, severity, resolution due time
(none last), created_at, id): the order of ``successdesk.domain.routing.queue_key``.
Pages are keyset pages: the cursor carries the last row's sort values, so a page costs the
same at the millionth case as at the first (no OFFSET).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from successdesk.accounts.models import SupportTeam, User
from successdesk.cases.models import (
    OPEN_STATUSES,
    QUEUE_ORDERING,
    TEAM_QUEUE_STATUSES,
    Case,
    CaseEvent,
)
from successdesk.domain.errors import InvalidCursor, InvalidInput
from successdesk.domain.lifecycle import CaseStatus
from successdesk.domain.routing import CaseFacts, QueueKey, queue_key
from successdesk.domain.routing import RoutingRule as DomainRule

from .errors import UnknownTeam
from .models import RoutingRule

QUEUE_ORDER = QUEUE_ORDERING.order_by()
MAX_LIMIT = 200


# --- routing rules ------------------------------------------------------------------------


def rules_active() -> list[tuple[RoutingRule, DomainRule]]:
    """Active rules in the order they are tried, each with its pure form (one query)."""
    return [
        (rule, rule.to_domain())
        for rule in RoutingRule.objects.filter(is_active=True).select_related("team")
    ]


def case_facts(case: Case, **changes: Any) -> CaseFacts:
    """What routing looks at, from the case (``changes`` override, e.g. a new severity)."""
    facts: dict[str, Any] = {
        "category": case.category or None,
        "product_area": case.product_area or None,
        "severity": case.severity,
        "channel": case.channel,
        "customer": case.customer.slug if case.customer else None,
        "package": case.package_version.package.slug if case.package_version else None,
    }
    facts.update({k: (v or None) if isinstance(v, str) else v for k, v in changes.items()})
    return CaseFacts(**facts)


def routing_suggestion(facts: CaseFacts) -> tuple[SupportTeam, RoutingRule] | None:
    """The team and rule the routing rules choose for these facts, or None."""
    for rule, pure in rules_active():
        if pure.matches(facts):
            return rule.team, rule
    return None


# --- teams --------------------------------------------------------------------------------


def team_get(slug: str) -> SupportTeam:
    """The team with this slug, or UnknownTeam naming the teams there are."""
    team = SupportTeam.objects.filter(slug=slug.strip()).first()
    if team is None:
        raise UnknownTeam(slug, list(SupportTeam.objects.values_list("slug", flat=True)))
    return team


def teams_overview(*, member: User | None = None) -> list[SupportTeam]:
    """Every team (or those ``member`` belongs to) with ``queued`` (cases in its queue) and
    ``unassigned`` counts (two queries: the teams, then all their queues counted at once from
    the open-cases index)."""
    counts = {
        row["team"]: (row["queued"], row["unassigned"])
        for row in Case.objects.filter(team__isnull=False, status__in=TEAM_QUEUE_STATUSES)
        .order_by()
        .values("team")
        # Count("team"), not the primary key: the index holds every column the count reads.
        .annotate(queued=Count("team"), unassigned=Count("team", filter=Q(assignee=None)))
    }
    teams_qs = SupportTeam.objects.order_by("name")
    if member is not None:
        teams_qs = teams_qs.filter(memberships__user=member)
    teams = list(teams_qs)
    for team in teams:
        team.queued, team.unassigned = counts.get(team.pk, (0, 0))  # type: ignore[attr-defined]
    return teams


# --- queues -------------------------------------------------------------------------------


def _cases() -> QuerySet[Case]:
    # Prefetched, not joined: one query per relation is cheaper than planning a six-table
    # join for every page (8 ms of PostgreSQL planning against 1 ms of execution).
    return Case.objects.prefetch_related(
        "customer",
        "team",
        "assignee",
        "package_version__package",
        "package_version__sla_calendar",
    )


def queue_triage() -> QuerySet[Case]:
    """New cases (verified or not) waiting for a triage agent to document them."""
    return _cases().filter(status=CaseStatus.NEW.value)


def queue_team(team: SupportTeam) -> QuerySet[Case]:
    """The team's cases to work on: new, triaged and in progress."""
    return _cases().filter(team=team, status__in=TEAM_QUEUE_STATUSES)


def queue_mine(user: User) -> QuerySet[Case]:
    """Open cases assigned to ``user`` (also those waiting on the customer)."""
    return _cases().filter(assignee=user, status__in=OPEN_STATUSES)


def case_queue_key(case: Case) -> QueueKey:
    """The domain's sort key of a case: SQL queue order must agree with it."""
    return queue_key(
        routing_priority=case.routing_priority,
        severity=case.severity,
        due_at=case.resolution_due_at,
        created_at=case.created_at,
        tie=case.pk,
    )


# --- keyset pages -------------------------------------------------------------------------


@dataclass(frozen=True)
class QueuePage:
    queue: str
    cases: list[Case]
    next_cursor: str | None
    limit: int


def queue_page(
    cases: QuerySet[Case], *, queue: str, cursor: str | None = None, limit: int = 50
) -> QueuePage:
    """One page of ``cases`` in queue order after ``cursor`` (one query)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(
            f"limit must be between 1 and {MAX_LIMIT}; got {limit}. Ask for fewer cases.",
            field="limit",
        )
    if cursor:
        name, values = QUEUE_ORDERING.cursor_read(cursor)
        if name != queue:
            raise InvalidCursor(f"The cursor belongs to the {name!r} queue, not {queue!r}.")
        cases = cases.filter(QUEUE_ORDERING.after(values))
    rows = list(cases.order_by(*QUEUE_ORDER)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = QUEUE_ORDERING.cursor(queue, rows[-1]) if more and rows else None
    return QueuePage(queue=queue, cases=rows, next_cursor=next_cursor, limit=limit)


def triage_record(case: Case) -> CaseEvent | None:
    """The case's latest triage documentation (category, severity, reproduction notes)."""
    return case.events.filter(kind="triaged").select_related("actor").order_by("-at", "-id").first()


@dataclass(frozen=True)
class TriagePanel:
    """What the triage panel reads: where the rules send the case, its last documentation
    and, for an unverified public message, the customer user its address matched."""

    suggested_team: SupportTeam | None
    suggested_rule: RoutingRule | None
    record: CaseEvent | None
    verify_candidate: User | None


def triage_panel(case: Case) -> TriagePanel:
    suggestion = routing_suggestion(case_facts(case))
    return TriagePanel(
        suggested_team=suggestion[0] if suggestion else None,
        suggested_rule=suggestion[1] if suggestion else None,
        record=triage_record(case),
        verify_candidate=(
            case.sender_match if not case.is_verified and case.sender_match_id else None
        ),
    )
