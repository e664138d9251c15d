"""Within a team: round-robin or fewest open cases, among the members marked available."""

from __future__ import annotations

from datetime import timedelta

from successdesk.accounts.models import Customer, SupportTeam, TeamMembership, User
from successdesk.cases.lifecycle import case_assign, case_transition
from successdesk.cases.models import Case
from successdesk.triage.models import RoutingRule, TeamSettings

from .conftest import T0, open_case, set_strategy


def assignees(customer: Customer, count: int, start: int = 0) -> list[str]:
    emails = []
    for n in range(count):
        case = open_case(customer, severity=2, at=T0 + timedelta(minutes=start + n))
        emails.append(case.assignee.email.split("@")[0] if case.assignee else "-")
    return emails


def test_round_robin_takes_turns_and_skips_the_unavailable_lead(
    customers: dict[str, Customer], rules: list[RoutingRule]
) -> None:
    assert assignees(customers["premier"], 4) == ["ann", "bob", "cyd", "ann"]


def test_round_robin_skips_an_agent_marked_unavailable(
    customers: dict[str, Customer],
    rules: list[RoutingRule],
    teams: dict[str, SupportTeam],
    agents: list[User],
) -> None:
    TeamMembership.objects.filter(team=teams["platform"], user=agents[1]).update(is_available=False)
    assert assignees(customers["premier"], 3) == ["ann", "cyd", "ann"]
    setting = TeamSettings.objects.get(team=teams["platform"])
    assert setting.last_assigned == agents[0]


def test_least_loaded_picks_the_agent_with_fewest_open_cases(
    customers: dict[str, Customer],
    rules: list[RoutingRule],
    teams: dict[str, SupportTeam],
    agents: list[User],
) -> None:
    ann, bob, cyd = agents
    set_strategy(teams["platform"], "least_loaded")
    TeamSettings.objects.filter(team=teams["platform"]).update(auto_assign=False)
    loads = {ann: 2, bob: 0, cyd: 1}
    for agent, count in loads.items():
        for _ in range(count):
            case_assign(case=open_case(customers["premier"]), assignee=agent, by=agent)
    # Resolved cases do not count: bob resolved three.
    for _ in range(3):
        done = open_case(customers["premier"])
        case_assign(case=done, assignee=bob, by=bob)
        case_transition(case=done, to="resolved", by=bob, resolution="fix", summary="ok")
    TeamSettings.objects.filter(team=teams["platform"]).update(auto_assign=True)
    # bob 0 → 1; bob and cyd tie at 1 (lowest id wins) → bob 2; cyd 1 → 2; all at 2 → ann.
    assert assignees(customers["premier"], 4, start=10) == ["bob", "bob", "cyd", "ann"]


def test_with_nobody_available_the_case_is_routed_but_not_assigned(
    customers: dict[str, Customer], rules: list[RoutingRule], teams: dict[str, SupportTeam]
) -> None:
    TeamMembership.objects.filter(team=teams["platform"]).update(is_available=False)
    case = open_case(customers["premier"], severity=2)
    stored = Case.objects.get(pk=case.pk)
    assert stored.team == teams["platform"] and stored.assignee is None
    assert stored.events.get(kind="routed").data["assignee"] is None
