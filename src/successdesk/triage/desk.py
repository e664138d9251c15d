"""A staff member's desk (the console's home page): their open cases, most urgent SLA first,
and the queues of the teams they belong to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from successdesk.accounts.models import SupportTeam, User
from successdesk.cases.models import Case

from .badges import SlaBadge, badges_by_case
from .selectors import QUEUE_ORDER, queue_mine, queue_triage, teams_overview

# Most urgent first: a clock past its target, then one close to it, then the rest.
URGENCY: dict[str, tuple[int, str, str]] = {
    "breached": (0, "Breached", "bad"),
    "at_risk": (1, "At risk", "warn"),
    "on_track": (2, "On track", "ok"),
    "paused": (3, "Paused", ""),
}
NO_CLOCK = (4, "No SLA clock", "")
DESK_LIMIT = 100


@dataclass(frozen=True)
class DeskCase:
    case: Case
    badges: list[SlaBadge]
    urgency: str
    tone: str


@dataclass(frozen=True)
class AgentDesk:
    cases: list[DeskCase]
    more: bool
    teams: list[SupportTeam]
    triage_waiting: int

    @property
    def badges(self) -> dict[int, list[SlaBadge]]:
        return {row.case.pk: row.badges for row in self.cases}


def urgency_of(badges: list[SlaBadge]) -> tuple[int, str, str, timedelta]:
    """The most urgent of a case's running clocks: (rank, words, tone, business time left)."""
    ranked = [
        (*URGENCY[badge.state], badge.remaining) for badge in badges if badge.state in URGENCY
    ]
    return min(ranked, default=(*NO_CLOCK, timedelta.max))


def agent_desk(user: User, at: datetime) -> AgentDesk:
    """``user``'s open cases by SLA urgency at ``at`` (breached, at risk, on track, paused;
    least time left first within each), their teams' queues with counts, and how many new
    cases wait for triage."""
    cases = list(queue_mine(user).order_by(*QUEUE_ORDER)[: DESK_LIMIT + 1])
    more = len(cases) > DESK_LIMIT
    cases = cases[:DESK_LIMIT]
    badges = badges_by_case(cases, at)
    ranked = []
    for case in cases:
        rank, words, tone, left = urgency_of(badges[case.pk])
        row = DeskCase(case=case, badges=badges[case.pk], urgency=words, tone=tone)
        ranked.append(((rank, left, case.pk), row))
    ranked.sort(key=lambda pair: pair[0])
    return AgentDesk(
        cases=[row for _, row in ranked],
        more=more,
        teams=teams_overview(member=user),
        triage_waiting=queue_triage().order_by().count(),
    )
