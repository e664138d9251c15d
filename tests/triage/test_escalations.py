"""The SLA sweep on a fixed clock: at risk, breached, once each, and catching up."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from successdesk.accounts.models import Customer, SupportTeam, User
from successdesk.cases.conversation import comment_add, diagnostics_request
from successdesk.cases.models import Case, CaseEvent
from successdesk.notifications.delivery import deliver_due
from successdesk.notifications.models import Notification
from successdesk.ops.sweeps import SWEEPS
from successdesk.triage.escalations import sla_sweep
from successdesk.triage.models import RoutingRule, SlaEscalation
from tests.conftest import Mailbox

from .conftest import T0, open_case

# Premier Success, Severity 2: first response within 4 business hours, at risk after 3.
# Opened Tue 10:00 Toronto: at risk 13:00 (18:00 UTC), due 14:00 (19:00 UTC).
AT_RISK = T0 + timedelta(hours=3)
DUE = T0 + timedelta(hours=4)


def escalations(case: Case) -> list[tuple[str, str]]:
    return sorted(SlaEscalation.objects.filter(case=case).values_list("clock", "level"))


def sla_events(case: Case) -> list[tuple[str, Any]]:
    return [
        (e.kind, e.data["clock"])
        for e in CaseEvent.objects.filter(case=case, kind__startswith="sla_").order_by("id")
    ]


def test_the_sweep_warns_at_risk_then_breached_once_each_to_the_assignee_and_the_lead(
    customers: dict[str, Customer],
    rules: list[RoutingRule],
    teams: dict[str, SupportTeam],
    smtp_server: Mailbox,
) -> None:
    case = open_case(customers["premier"], severity=2)
    assert case.assignee is not None and case.assignee.email == "ann@vendor.example"
    stored = Case.objects.get(pk=case.pk)
    assert stored.first_response_at_risk_at == AT_RISK
    assert stored.first_response_due_at == DUE

    assert sla_sweep(AT_RISK - timedelta(seconds=1)) == 0
    assert sla_sweep(AT_RISK) == 1
    assert escalations(case) == [("first_response", "at_risk")]
    assert sla_events(case) == [("sla_at_risk", "first_response")]
    outbox = Notification.objects.filter(kind="sla.at_risk")
    assert sorted(outbox.values_list("to", flat=True)) == [
        "ann@vendor.example",
        "lena@vendor.example",
    ]

    assert sla_sweep(AT_RISK) == 0  # running twice changes nothing
    assert sla_sweep(AT_RISK + timedelta(minutes=30)) == 0
    assert Notification.objects.filter(kind__startswith="sla.").count() == 2

    assert sla_sweep(DUE + timedelta(minutes=1)) == 1
    assert sla_sweep(DUE + timedelta(minutes=2)) == 0
    assert escalations(case) == [("first_response", "at_risk"), ("first_response", "breached")]
    assert sla_events(case) == [
        ("sla_at_risk", "first_response"),
        ("sla_breached", "first_response"),
    ]
    event = CaseEvent.objects.get(case=case, kind="sla_breached")
    assert event.is_internal and event.at == DUE + timedelta(minutes=1)

    deliver_due()
    subjects = [m["Subject"] for m in smtp_server.to("ann@vendor.example")]
    assert len(subjects) == 2
    assert any("at risk" in s for s in subjects) and any("breached" in s for s in subjects)
    assert all(case.number in s for s in subjects)
    assert len(smtp_server.to("lena@vendor.example")) == 2


def test_a_missed_run_loses_no_breach_and_warns_only_of_the_breach(
    customers: dict[str, Customer], rules: list[RoutingRule]
) -> None:
    case = open_case(customers["premier"], severity=2)
    # No sweep ran all day: the next one still finds the breach.
    assert sla_sweep(T0 + timedelta(days=1)) == 2  # at risk (passed by) and breached
    assert escalations(case) == [("first_response", "at_risk"), ("first_response", "breached")]
    assert sla_events(case) == [("sla_breached", "first_response")]
    assert Notification.objects.filter(kind="sla.at_risk").count() == 0
    assert Notification.objects.filter(kind="sla.breached").count() == 2
    assert sla_sweep(T0 + timedelta(days=1, hours=1)) == 0


def test_a_clock_answered_or_paused_in_time_is_never_escalated(
    customers: dict[str, Customer], rules: list[RoutingRule], agents: list[User]
) -> None:
    case = open_case(customers["premier"], severity=2)
    comment_add(case=case, author=agents[0], body="On it.", at=T0 + timedelta(hours=1))
    diagnostics_request(
        case=case,
        by=agents[0],
        summary="Send a screenshot",
        steps=["Open the hub"],
        at=T0 + timedelta(hours=2),
    )
    assert sla_sweep(T0 + timedelta(days=30)) == 0
    assert SlaEscalation.objects.count() == 0
    stored = Case.objects.get(pk=case.pk)
    assert stored.first_response_at_risk_at is None  # stopped: out of the sweep's sight
    assert stored.resolution_at_risk_at is None  # paused before its at-risk instant


def test_a_case_nobody_holds_escalates_to_the_vendor_ops_address(
    customers: dict[str, Customer], settings: Any
) -> None:
    settings.VENDOR_NOTIFY_EMAIL = "ops@vendor.example"
    open_case(customers["premier"], severity=2)  # no rules: not routed, not assigned
    assert sla_sweep(AT_RISK) == 1
    assert list(Notification.objects.filter(kind="sla.at_risk").values_list("to", flat=True)) == [
        "ops@vendor.example"
    ]


def test_an_escalation_another_sweep_recorded_first_is_not_repeated(
    customers: dict[str, Customer], rules: list[RoutingRule]
) -> None:
    case = open_case(customers["premier"], severity=2)
    SlaEscalation.objects.create(case=case, clock="first_response", level="at_risk", at=AT_RISK)
    assert sla_sweep(AT_RISK + timedelta(minutes=1)) == 0
    assert sla_events(case) == []
    assert not Notification.objects.filter(kind__startswith="sla.").exists()


def test_the_sweep_is_registered_beside_the_worker() -> None:
    assert SWEEPS["sla_escalations"] is sla_sweep
