"""Routing rules at intake, the triage agent's documentation, overrides, linking senders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from successdesk.accounts.models import Customer, SupportTeam, User
from successdesk.cases.models import Case, CaseEvent
from successdesk.domain.errors import DomainError
from successdesk.intake.services import CaseDraft, case_open_contact_form
from successdesk.triage.models import RoutingRule
from successdesk.triage.services import (
    case_link_customer,
    case_route,
    case_triage,
    case_verify_sender,
)

from .conftest import T0, open_case


def routed_events(case: Case) -> list[dict[str, object]]:
    return [e.data for e in CaseEvent.objects.filter(case=case, kind="routed").order_by("id")]


def test_a_case_matching_a_rule_is_routed_and_assigned_at_intake(
    customers: dict[str, Customer], rules: list[RoutingRule], teams: dict[str, SupportTeam]
) -> None:
    case = open_case(customers["premier"], category="integration")
    case.refresh_from_db()
    assert case.team == teams["integrations"]
    assert case.assignee is not None and case.assignee.email == "bob@vendor.example"
    (event,) = routed_events(case)
    assert event["rule"] == "Integrations"
    assert event["override"] is False
    assert CaseEvent.objects.get(case=case, kind="routed").is_internal


def test_once_an_intake_takes_its_case_number_it_only_writes_until_it_commits(
    customers: dict[str, Customer], rules: list[RoutingRule], teams: dict[str, SupportTeam]
) -> None:
    """Concurrent intakes wait on the number's lock until the holder commits, so the reads
    (rules, recipients, the team's agents) come before it."""
    with CaptureQueriesContext(connection) as captured:
        case = open_case(customers["premier"], category="integration")
    statements = [q["sql"].lstrip().split()[0].upper() for q in captured.captured_queries]
    sqls = [q["sql"] for q in captured.captured_queries]
    taken = next(i for i, sql in enumerate(sqls) if "cases_casesequence" in sql)
    assert set(statements[taken + 1 :]) <= {"INSERT", "UPDATE", "COMMIT", "RELEASE"}, sqls[taken:]
    assert any("triage_teamsettings" in sql for sql in sqls[:taken])  # routed and assigned
    assert case.team == teams["integrations"] and case.assignee is not None


def test_the_first_matching_rule_by_position_wins(
    customers: dict[str, Customer], rules: list[RoutingRule], teams: dict[str, SupportTeam]
) -> None:
    case = open_case(customers["premier"], category="integration", severity=2)
    assert case.team == teams["integrations"]  # position 10 beats "Urgent" at 30


def test_a_case_no_rule_matches_waits_unrouted_for_triage(
    customers: dict[str, Customer], rules: list[RoutingRule]
) -> None:
    case = open_case(customers["premier"], category="billing", severity=3)
    case.refresh_from_db()
    assert case.team is None and case.assignee is None
    assert routed_events(case) == []
    assert case.status == "new"


def test_rules_on_package_and_customer_and_inactive_rules(
    customers: dict[str, Customer], teams: dict[str, SupportTeam]
) -> None:
    RoutingRule.objects.create(name="Off", position=1, team=teams["advocacy"], is_active=False)
    RoutingRule.objects.create(
        name="Plus first", position=5, team=teams["platform"], packages=["premier-success-plus"]
    )
    RoutingRule.objects.create(
        name="Contoso", position=6, team=teams["integrations"], customers=["contoso"]
    )
    assert open_case(customers["plus"]).team == teams["platform"]
    assert open_case(customers["standard"]).team == teams["integrations"]
    assert open_case(customers["premier"]).team is None


def test_a_rule_with_an_invalid_condition_is_refused_with_the_reason(
    teams: dict[str, SupportTeam],
) -> None:
    rule = RoutingRule(name="Bad", team=teams["platform"], severities=[0, 9])
    with pytest.raises(ValidationError) as info:
        rule.full_clean()
    assert "severit" in str(info.value)
    spelled = RoutingRule(name="Text", team=teams["platform"], severities=["1", True])
    with pytest.raises(ValidationError, match="severities as numbers"):
        spelled.full_clean()
    empty = RoutingRule(name="Any", team=teams["platform"], categories=[])
    empty.full_clean()
    assert empty.categories is None  # an empty list means "any"


def test_triage_documents_confirms_severity_and_routes_by_the_rules(
    customers: dict[str, Customer],
    rules: list[RoutingRule],
    teams: dict[str, SupportTeam],
    triager: User,
) -> None:
    case = open_case(customers["premier"], severity=3, category="")
    before = Case.objects.get(pk=case.pk).resolution_due_at
    done = case_triage(
        case=case,
        by=triager,
        category="hub",
        product_area="badges",
        severity=2,
        notes="Reproduced on the demo hub with two badges.",
        at=T0 + timedelta(minutes=20),
    )
    assert done.status == "triaged"
    assert (done.category, done.product_area, done.severity) == ("hub", "badges", 2)
    assert done.team == teams["platform"]  # "Urgent": severity 2
    assert done.resolution_due_at is not None and before is not None
    assert done.resolution_due_at < before  # Severity 2 targets are shorter
    assert (
        done.sla_clocks["resolution"]["started_at"] == case.sla_clocks["resolution"]["started_at"]
    )
    record = CaseEvent.objects.get(case=case, kind="triaged")
    assert record.is_internal
    assert record.data["notes"] == "Reproduced on the demo hub with two badges."
    assert record.data["before"]["severity"] == 3
    assert routed_events(case)[-1]["rule"] == "Urgent"


def test_another_team_than_the_rules_choose_needs_an_override(
    customers: dict[str, Customer],
    rules: list[RoutingRule],
    teams: dict[str, SupportTeam],
    triager: User,
) -> None:
    case = open_case(customers["premier"], category="integration")
    args = {
        "case": case,
        "by": triager,
        "category": "integration",
        "product_area": "salesforce",
        "severity": 3,
        "team": teams["platform"],
    }
    with pytest.raises(DomainError) as info:
        case_triage(**args)  # type: ignore[arg-type]
    assert info.value.code == "routing_override_required"
    assert "Integrations" in info.value.message and "override" in info.value.message
    unchanged = Case.objects.get(pk=case.pk)
    assert (unchanged.status, unchanged.team, unchanged.product_area) == (
        "new",
        teams["integrations"],
        "",
    )
    assert not CaseEvent.objects.filter(case=case, kind="triaged").exists()

    done = case_triage(**args, override=True)  # type: ignore[arg-type]
    assert done.team == teams["platform"]
    last = routed_events(case)[-1]
    assert last == {
        "team": "platform",
        "rule": None,
        "suggested": "integrations",
        "override": True,
        "assignee": done.assignee.email if done.assignee else None,
    }


def test_case_route_overrides_and_only_triage_agents_may_route(
    customers: dict[str, Customer],
    rules: list[RoutingRule],
    teams: dict[str, SupportTeam],
    triager: User,
    agents: list[User],
) -> None:
    case = open_case(customers["premier"], category="campaign")
    assert case.team == teams["advocacy"]
    with pytest.raises(DomainError) as info:
        case_route(case=case, team=teams["platform"], by=agents[0], override=True)
    assert info.value.code == "permission_denied"
    with pytest.raises(DomainError):
        case_route(case=case, team=teams["platform"], by=triager)
    routed = case_route(case=case, team=teams["platform"], by=triager, override=True)
    assert routed.team == teams["platform"]
    assert routed.assignee is not None  # assigned within the new team
    assert Case.objects.get(pk=case.pk).team == teams["platform"]


def test_a_resolved_case_is_not_routed_and_says_to_reopen_it(
    customers: dict[str, Customer], teams: dict[str, SupportTeam], triager: User
) -> None:
    from successdesk.cases.lifecycle import case_transition

    case = open_case(customers["premier"])
    case_transition(case=case, to="resolved", by=triager, resolution="fix", summary="Done")
    with pytest.raises(DomainError) as info:
        case_route(case=case, team=teams["platform"], by=triager)
    assert "Reopen" in info.value.message


def test_an_unverified_message_is_linked_to_its_customer_and_its_clocks_start_at_intake(
    customers: dict[str, Customer],
    rules: list[RoutingRule],
    teams: dict[str, SupportTeam],
    triager: User,
) -> None:
    case = case_open_contact_form(
        draft=CaseDraft(
            subject="Integration sync stopped",
            description="Our Salesforce sync stopped.",
            severity=3,
            category="integration",
            requester_name="Una Known",
            requester_email="user@northwind.example",
            stated_customer_name="Northwind",
        ),
        at=T0,
    )
    # The address is a known user's: a candidate only, until verified. An unknown one is not:
    stranger = case_open_contact_form(
        draft=CaseDraft(
            subject="Integration sync stopped",
            description="Our Salesforce sync stopped.",
            severity=3,
            category="integration",
            requester_email="new.person@northwind.example",
            stated_customer_name="Northwind",
        ),
        at=T0,
    )
    assert not case.is_verified and not stranger.is_verified
    assert case.sender_match is not None and stranger.sender_match is None
    case = case_verify_sender(case=case, by=triager, at=T0 + timedelta(hours=1))
    assert case.is_verified and case.customer == customers["premier"]
    assert stranger.sla_clocks == {} and stranger.resolution_due_at is None
    with pytest.raises(DomainError) as info:
        case_triage(
            case=stranger, by=triager, category="integration", product_area="sync", severity=3
        )
    assert "Link it to the customer first" in info.value.message

    linked = case_link_customer(
        case=stranger, customer=customers["premier"], by=triager, at=T0 + timedelta(hours=2)
    )
    assert linked.is_verified and linked.customer == customers["premier"]
    assert linked.package_version is not None
    assert linked.package_version.package.slug == "premier-success"
    assert linked.routing_priority == 10
    assert linked.sla_clocks["resolution"]["started_at"] == T0.isoformat()
    assert linked.resolution_due_at == case.resolution_due_at  # same start, same targets
    assert linked.team == teams["integrations"]
    assert CaseEvent.objects.filter(case=stranger, kind="customer_linked").exists()

    with pytest.raises(DomainError) as again:
        case_link_customer(case=stranger, customer=customers["plus"], by=triager)
    assert again.value.code == "conflict"


def test_triage_refuses_blank_documentation_and_writes_nothing(
    customers: dict[str, Customer], triager: User
) -> None:
    case = open_case(customers["premier"])
    for category, area, field in (("  ", "badges", "category"), ("hub", "", "product_area")):
        with pytest.raises(DomainError) as info:
            case_triage(case=case, by=triager, category=category, product_area=area, severity=3)
        assert info.value.field == field
    with pytest.raises(DomainError) as info:
        case_triage(case=case, by=triager, category="hub", product_area="b", severity=7)
    assert info.value.field == "severity"
    assert not CaseEvent.objects.filter(case=case, kind="triaged").exists()
    assert Case.objects.get(pk=case.pk).status == "new"
