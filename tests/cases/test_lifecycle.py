from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from successdesk.accounts.models import Customer, User
from successdesk.cases.conversation import comment_add, diagnostics_request
from successdesk.cases.lifecycle import case_transition
from successdesk.cases.models import Case, CaseEvent, DiagnosticRequest
from successdesk.domain.errors import DomainError
from successdesk.intake.services import CaseDraft, case_open_portal
from tests.conftest import signed_in

# Tuesday 24 Nov 2026, 10:00 in Toronto (15:00 UTC): inside business hours.
T0 = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


@pytest.fixture
def case(premier_northwind: Customer, northwind_user: User) -> Case:
    return case_open_portal(
        requester=northwind_user,
        draft=CaseDraft(subject="Badges missing", description="No badges shown", severity=3),
        at=T0,
    )


def test_the_lifecycle_records_who_and_when_and_resolving_needs_a_resolution(
    case: Case, support_agent: User
) -> None:
    case_transition(case=case, to="triaged", by=support_agent, at=T0 + timedelta(minutes=5))
    case_transition(case=case, to="in_progress", by=support_agent, at=T0 + timedelta(minutes=9))
    with pytest.raises(DomainError) as info:
        case_transition(case=case, to="resolved", by=support_agent, at=T0 + timedelta(hours=1))
    assert info.value.code == "resolution_required"
    resolved = case_transition(
        case=case,
        to="resolved",
        by=support_agent,
        resolution="workaround",
        summary="Clear the cache",
        at=T0 + timedelta(hours=1),
    )
    assert resolved.status == "resolved"
    assert resolved.resolution_type == "workaround"
    assert resolved.sla_clocks["resolution"]["stopped_at"] is not None
    steps = list(CaseEvent.objects.filter(case=case).values_list("to_status", "actor__email"))
    assert steps[0] == ("new", "user@northwind.example")
    assert ("resolved", "agent@vendor.example") in steps


def test_a_refused_transition_lists_what_is_allowed(case: Case, support_agent: User) -> None:
    with pytest.raises(DomainError) as info:
        case_transition(case=case, to="closed", by=support_agent, at=T0)
    assert info.value.code == "invalid_transition"
    assert Case.objects.get(pk=case.pk).status == "new"


def test_a_resolved_case_reopens_within_the_window_and_not_after(
    case: Case, support_agent: User, settings: Any
) -> None:
    settings.CASE_REOPEN_DAYS = 14
    resolve = {"resolution": "fix", "summary": "Fixed in 4.2"}
    case_transition(case=case, to="resolved", by=support_agent, at=T0, **resolve)
    reopened = case_transition(case=case, to="in_progress", by=None, at=T0 + timedelta(days=3))
    assert reopened.status == "in_progress"
    case_transition(
        case=case, to="resolved", by=support_agent, at=T0 + timedelta(days=4), **resolve
    )
    with pytest.raises(DomainError) as info:
        case_transition(case=case, to="in_progress", by=None, at=T0 + timedelta(days=19))
    assert info.value.code == "reopen_window_closed"


def test_a_diagnostics_request_pauses_the_resolution_clock_until_the_customer_replies(
    case: Case, support_agent: User, northwind_user: User
) -> None:
    due_before = Case.objects.get(pk=case.pk).resolution_due_at
    diagnostics_request(
        case=case,
        by=support_agent,
        summary="Reproduce with the console open",
        steps=["Open the hub", "Open the browser console", "Click Badges"],
        information=["A screenshot of the console"],
        at=T0 + timedelta(hours=1),
    )
    waiting = Case.objects.get(pk=case.pk)
    assert waiting.status == "awaiting_customer"
    assert waiting.resolution_due_at is None  # on hold while the clock is paused
    assert waiting.first_responded_at is not None  # the request is a public reply

    # The customer answers a day later (8 business hours later).
    comment_add(
        case=case,
        author=northwind_user,
        body="Done, see console output",
        at=T0 + timedelta(days=1, hours=1),
    )
    resumed = Case.objects.get(pk=case.pk)
    assert resumed.status == "in_progress"
    assert resumed.resolution_due_at is not None and due_before is not None
    assert resumed.resolution_due_at > due_before
    request = DiagnosticRequest.objects.get()
    assert request.answered_at is not None


def test_the_customer_can_mark_a_case_solved_and_a_reply_reopens_it(
    case: Case, northwind_user: User
) -> None:
    client = signed_in(northwind_user)
    client.post(f"/portal/cases/{case.number}/resolve/")
    assert Case.objects.get(pk=case.pk).status == "resolved"
    client.post(f"/portal/cases/{case.number}/", {"body": "It came back"})
    assert Case.objects.get(pk=case.pk).status == "in_progress"


def test_staff_change_status_and_request_diagnostics_in_the_console(
    case: Case, support_agent: User
) -> None:
    staff: Client = signed_in(support_agent)
    page = staff.get(f"/console/cases/{case.number}/").content.decode()
    assert "Request diagnostics" in page and "Resolution target" in page
    bad = staff.post(f"/console/cases/{case.number}/status/", {"status": "resolved"})
    assert bad.status_code == 200
    assert "A case can only be resolved with a resolution type." in bad.content.decode()
    assert Case.objects.get(pk=case.pk).status != "resolved"
    staff.post(f"/console/cases/{case.number}/status/", {"status": "in_progress"})
    response = staff.post(
        f"/console/cases/{case.number}/diagnostics/",
        {"summary": "Need a HAR file", "steps": "Open devtools\nRecord the network"},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "awaiting_customer"
    staff.post(f"/console/cases/{case.number}/reassign/", {"assignee": support_agent.pk})
    assert Case.objects.get(pk=case.pk).assignee == support_agent


def test_a_closed_case_refuses_replies_with_what_to_do(case: Case, support_agent: User) -> None:
    case_transition(
        case=case, to="resolved", by=support_agent, resolution="fix", summary="ok", at=T0
    )
    case_transition(case=case, to="closed", by=support_agent, at=T0 + timedelta(days=1))
    with pytest.raises(DomainError) as info:
        comment_add(case=case, author=support_agent, body="late")
    assert case.number in info.value.message


def test_the_case_history_in_the_console_reads_as_words(case: Case, support_agent: User) -> None:
    comment_add(case=case, author=support_agent, body="Looking into it", at=T0)
    case_transition(case=case, to="in_progress", by=support_agent, at=T0)
    page = signed_in(support_agent).get(f"/console/cases/{case.number}/").content.decode()
    history = page[page.index("<h2>History</h2>") :]
    assert "<td>First response</td>" in history
    assert "New → In progress" in history
    assert "first_response" not in history and "in_progress" not in history


def test_the_portal_marks_a_case_that_waits_on_the_customer(
    case: Case, support_agent: User, northwind_user: User
) -> None:
    customer = signed_in(northwind_user)
    assert 'class="pill">Received</span>' in customer.get("/portal/cases/").content.decode()
    diagnostics_request(case=case, by=support_agent, summary="A HAR file", steps=["Record it"])
    waiting = '<span class="pill warn">Waiting for your reply</span>'
    assert waiting in customer.get("/portal/cases/").content.decode()
    assert waiting in customer.get(f"/portal/cases/{case.number}/").content.decode()


def test_a_resolved_and_then_closed_case_shows_its_sla_outcome_and_no_due_time(
    case: Case, support_agent: User, northwind_user: User
) -> None:
    # Resolved within the hour, without a reply first: both clocks stop, both targets met.
    resolve = {"resolution": "fix", "summary": "Cleared the cache"}
    case_transition(
        case=case, to="resolved", by=support_agent, at=T0 + timedelta(hours=1), **resolve
    )
    pages = {
        "console": signed_in(support_agent).get(f"/console/cases/{case.number}/"),
        "portal": signed_in(northwind_user).get(f"/portal/cases/{case.number}/"),
    }
    for where, response in pages.items():
        page = response.content.decode()
        assert "First response due" not in page and "Resolution target" not in page, where
        assert page.count('data-sla-outcome="met"') == 2, where
    case_transition(case=case, to="closed", by=support_agent, at=T0 + timedelta(days=1))
    page = signed_in(northwind_user).get(f"/portal/cases/{case.number}/").content.decode()
    assert "First response due" not in page and page.count("target met") == 2
    listed = signed_in(support_agent).get("/console/cases/?status=closed").content.decode()
    assert "<td>target met</td>" in listed


def test_a_target_missed_before_the_case_was_resolved_reads_missed(
    case: Case, support_agent: User
) -> None:
    # Severity 3 on Premier Success: resolved three weeks later, with no reply before.
    resolve = {"resolution": "workaround", "summary": "Use the old hub"}
    case_transition(
        case=case, to="resolved", by=support_agent, at=T0 + timedelta(days=21), **resolve
    )
    page = signed_in(support_agent).get(f"/console/cases/{case.number}/").content.decode()
    assert page.count('data-sla-outcome="missed"') == 2
    assert "First response due" not in page
