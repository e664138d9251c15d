"""Remote-access consent: staff ask on a case, the customer approves or denies; a grant
expires by itself, can be revoked, never carries over to another case, and every step is
audited and shown on the case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from successdesk.accounts import services as accounts
from successdesk.accounts.models import AuditEntry, Customer, User
from successdesk.cases.models import Case, CaseEvent, RemoteAccessGrant
from successdesk.cases.remote_access import remote_access_active, remote_access_record_expiries
from successdesk.domain.errors import NotFound
from successdesk.intake.services import CaseDraft, case_open_portal
from tests.conftest import PASSWORD, designate, signed_in

SECRET = "Zoom 555-0100, passcode 9876"


def open_case(user: User, subject: str = "Hub shows a blank page") -> Case:
    return case_open_portal(
        requester=user,
        draft=CaseDraft(subject=subject, description="Since this morning.", severity=3),
    )


@pytest.fixture
def case(premier_northwind: Customer, northwind_user: User) -> Case:
    return open_case(northwind_user)


@pytest.fixture
def staff(support_agent: User) -> Client:
    return signed_in(support_agent)


def ask(staff: Client, case: Case, hours: str = "4") -> RemoteAccessGrant:
    response = staff.post(
        f"/console/cases/{case.number}/remote-access/",
        {"target": "application", "reason": "To reproduce the blank page", "hours": hours},
    )
    assert response.status_code == 302
    return RemoteAccessGrant.objects.filter(case=case).latest("id")


def answer(client: Client, case: Case, grant: RemoteAccessGrant, action: str) -> None:
    client.post(
        f"/portal/cases/{case.number}/remote-access/{grant.pk}/",
        {"action": action, "access_details": SECRET},
    )


def test_staff_ask_the_requester_approves_and_only_then_the_console_shows_access(
    case: Case, staff: Client, northwind_user: User
) -> None:
    grant = ask(staff, case)
    page = staff.get(f"/console/cases/{case.number}/").content.decode()
    assert "Waiting for approval" in page and SECRET not in page
    assert staff.get(f"/console/cases/{case.number}/remote-access/{grant.pk}/").status_code == 404

    customer = signed_in(northwind_user)
    portal_page = customer.get(f"/portal/cases/{case.number}/").content.decode()
    assert "To reproduce the blank page" in portal_page and "Approve" in portal_page
    answer(customer, case, grant, "approve")
    grant.refresh_from_db()
    assert grant.state == "approved"
    assert grant.expires_at == grant.decided_at + timedelta(hours=4)

    details = staff.get(f"/console/cases/{case.number}/remote-access/{grant.pk}/")
    assert details.status_code == 200 and SECRET in details.content.decode()
    assert SECRET in staff.get(f"/console/cases/{case.number}/").content.decode()

    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert "remote_access_requested" in kinds and "remote_access_approved" in kinds
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"remote_access.requested", "remote_access.approved"} <= actions
    assert "Remote access approved" in staff.get(f"/console/cases/{case.number}/").content.decode()


def test_a_denied_request_gives_no_access(case: Case, staff: Client, northwind_user: User) -> None:
    grant = ask(staff, case)
    answer(signed_in(northwind_user), case, grant, "deny")
    grant.refresh_from_db()
    assert grant.state == "denied" and grant.access_details == ""
    assert staff.get(f"/console/cases/{case.number}/remote-access/{grant.pk}/").status_code == 404
    assert AuditEntry.objects.filter(action="remote_access.denied").exists()


def test_an_expired_grant_gives_no_access_and_its_expiry_is_recorded_once(
    case: Case, staff: Client, northwind_user: User
) -> None:
    grant = ask(staff, case, hours="1")
    answer(signed_in(northwind_user), case, grant, "approve")
    grant.refresh_from_db()
    assert grant.expires_at is not None
    later = grant.expires_at + timedelta(seconds=1)
    before = grant.expires_at - timedelta(seconds=1)
    assert remote_access_active(case=case, grant_id=grant.pk, at=before).active
    with pytest.raises(NotFound):
        remote_access_active(case=case, grant_id=grant.pk, at=later)

    RemoteAccessGrant.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert staff.get(f"/console/cases/{case.number}/remote-access/{grant.pk}/").status_code == 404
    page = staff.get(f"/console/cases/{case.number}/").content.decode()
    assert "Expired" in page and SECRET not in page
    assert remote_access_record_expiries() == 1
    assert remote_access_record_expiries() == 0
    assert CaseEvent.objects.filter(case=case, kind="remote_access_expired").count() == 1


def test_a_revoked_grant_gives_no_access(case: Case, staff: Client, northwind_user: User) -> None:
    grant = ask(staff, case)
    customer = signed_in(northwind_user)
    answer(customer, case, grant, "approve")
    answer(customer, case, grant, "revoke")
    grant.refresh_from_db()
    assert grant.state == "revoked" and grant.ended_by == northwind_user
    assert staff.get(f"/console/cases/{case.number}/remote-access/{grant.pk}/").status_code == 404
    assert SECRET not in staff.get(f"/console/cases/{case.number}/").content.decode()
    assert AuditEntry.objects.filter(action="remote_access.revoked").exists()


def test_a_grant_never_carries_over_to_another_case(
    case: Case, staff: Client, northwind_user: User
) -> None:
    grant = ask(staff, case)
    answer(signed_in(northwind_user), case, grant, "approve")
    other = open_case(northwind_user, "Another problem")
    assert staff.get(f"/console/cases/{other.number}/remote-access/{grant.pk}/").status_code == 404
    with pytest.raises(NotFound):
        remote_access_active(case=other, grant_id=grant.pk)
    assert SECRET not in staff.get(f"/console/cases/{other.number}/").content.decode()
    # Nor can it be answered or revoked through the other case.
    signed_in(northwind_user).post(
        f"/portal/cases/{other.number}/remote-access/{grant.pk}/", {"action": "revoke"}
    )
    grant.refresh_from_db()
    assert grant.state == "approved"


def test_only_the_requester_or_a_designated_contact_decides(
    case: Case, staff: Client, northwind: Customer
) -> None:
    grant = ask(staff, case)
    colleague = accounts.user_ensure(
        email="colleague@northwind.example", password=PASSWORD, customer=northwind
    )
    assert signed_in(colleague).get(f"/portal/cases/{case.number}/").status_code == 404
    designate(colleague)
    client = signed_in(colleague)
    answer(client, case, grant, "approve")
    grant.refresh_from_db()
    assert grant.state == "approved" and grant.decided_by == colleague


def test_another_customers_user_gets_404(
    case: Case, staff: Client, standard_contoso: Customer, contoso_user: User
) -> None:
    grant = ask(staff, case)
    designate(contoso_user)
    response = signed_in(contoso_user).post(
        f"/portal/cases/{case.number}/remote-access/{grant.pk}/", {"action": "approve"}
    )
    assert response.status_code == 404
    grant.refresh_from_db()
    assert grant.state == "pending"


def test_a_package_without_remote_access_support_is_refused_with_the_package_names(
    standard_contoso: Customer, contoso_user: User, staff: Client
) -> None:
    case = open_case(contoso_user)
    response = staff.post(
        f"/console/cases/{case.number}/remote-access/",
        {"target": "desktop", "reason": "To look", "hours": "1"},
        follow=True,
    )
    page = response.content.decode()
    assert "does not include remote-access support" in page
    assert "Premier Success and Premier Success Plus" in page
    assert not RemoteAccessGrant.objects.exists()


def resolve(staff: Client, case: Case) -> None:
    response = staff.post(
        f"/console/cases/{case.number}/status/",
        {"status": "resolved", "resolution": "fix", "summary": "Fixed the hub template"},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == "resolved"


def test_resolving_a_case_ends_its_active_grant_and_its_pending_request_and_records_both(
    case: Case, staff: Client, northwind_user: User, support_agent: User
) -> None:
    approved = ask(staff, case)
    answer(signed_in(northwind_user), case, approved, "approve")
    pending = ask(staff, case, hours="8")
    resolve(staff, case)

    for grant in (approved, pending):
        grant.refresh_from_db()
        assert grant.state == "ended" and grant.ended_by == support_agent
    url = f"/console/cases/{case.number}/remote-access/{approved.pk}/"
    assert staff.get(url).status_code == 404
    page = staff.get(f"/console/cases/{case.number}/").content.decode()
    assert SECRET not in page and page.count("Ended with the case") == 2
    ended = CaseEvent.objects.filter(case=case, kind="remote_access_ended")
    assert sorted(e.data["grant"] for e in ended) == sorted([approved.pk, pending.pk])
    assert AuditEntry.objects.filter(action="remote_access.ended").count() == 2

    # Reopening the case does not bring access back: staff ask again.
    signed_in(northwind_user).post(f"/portal/cases/{case.number}/", {"body": "Broken again"})
    assert Case.objects.get(pk=case.pk).status == "in_progress"
    assert staff.get(url).status_code == 404


def test_a_customer_cannot_approve_a_request_once_the_case_is_resolved(
    case: Case, staff: Client, northwind_user: User
) -> None:
    grant = ask(staff, case)
    resolve(staff, case)
    customer = signed_in(northwind_user)
    page = customer.get(f"/portal/cases/{case.number}/").content.decode()
    assert "Ended with the case" in page and 'value="approve"' not in page
    answer(customer, case, grant, "approve")
    grant.refresh_from_db()
    assert grant.state == "ended" and grant.expires_at is None and grant.access_details == ""


def test_no_grant_is_usable_on_a_closed_case_even_one_recorded_as_approved(
    case: Case, staff: Client, northwind_user: User, support_agent: User
) -> None:
    grant = ask(staff, case)
    answer(signed_in(northwind_user), case, grant, "approve")
    # A grant approved before grants ended with their case: still "approved" in the table.
    Case.objects.filter(pk=case.pk).update(status="closed")
    assert staff.get(f"/console/cases/{case.number}/remote-access/{grant.pk}/").status_code == 404
    with pytest.raises(NotFound):
        remote_access_active(case=case, grant_id=grant.pk)
    assert SECRET not in staff.get(f"/console/cases/{case.number}/").content.decode()


def test_the_request_form_is_not_offered_on_a_resolved_case_and_a_request_is_refused(
    case: Case, staff: Client
) -> None:
    assert (
        "Ask the customer for access"
        in staff.get(f"/console/cases/{case.number}/").content.decode()
    )
    resolve(staff, case)
    page = staff.get(f"/console/cases/{case.number}/").content.decode()
    assert "Ask the customer for access" not in page
    assert "resolved or closed, so remote access is not asked for" in page
    response = staff.post(
        f"/console/cases/{case.number}/remote-access/",
        {"target": "application", "reason": "To look", "hours": "1"},
        follow=True,
    )
    assert "resolved or closed" in response.content.decode()
    assert not RemoteAccessGrant.objects.exists()


def test_staff_on_a_package_without_remote_access_get_no_form_and_words_meant_for_staff(
    standard_contoso: Customer, contoso_user: User, staff: Client
) -> None:
    case = open_case(contoso_user)
    page = staff.get(f"/console/cases/{case.number}/").content.decode()
    assert "Ask the customer for access" not in page
    assert "Contoso&#x27;s package (Standard) does not include remote-access support" in page
    refused = staff.post(
        f"/console/cases/{case.number}/remote-access/",
        {"target": "desktop", "reason": "To look", "hours": "1"},
        follow=True,
    ).content.decode()
    for shown in (page, refused):
        assert "Your package" not in shown and "ask your account manager" not in shown
    assert "Contoso&#x27;s package (Standard)" in refused


def test_a_grant_s_duration_reads_as_words_on_the_pages_and_in_the_mail(
    case: Case, staff: Client, northwind_user: User
) -> None:
    from successdesk.notifications.models import Notification

    ask(staff, case, hours="24")
    console = staff.get(f"/console/cases/{case.number}/").content.decode()
    portal = signed_in(northwind_user).get(f"/portal/cases/{case.number}/").content.decode()
    mail = Notification.objects.get(kind="case.remote_access").body
    for text in (console, portal, mail):
        assert "1 day" in text and "1 day, 0:00:00" not in text


def test_a_request_for_a_case_resolved_meanwhile_is_refused_and_nothing_is_asked(
    case: Case, support_agent: User
) -> None:
    from successdesk.cases.lifecycle import case_transition
    from successdesk.cases.remote_access import remote_access_request
    from successdesk.domain.errors import DomainError

    stale = Case.objects.get(pk=case.pk)  # the page staff loaded before someone resolved it
    case_transition(case=case, to="resolved", by=support_agent, resolution="fix", summary="ok")
    with pytest.raises(DomainError) as info:
        remote_access_request(
            case=stale,
            by=support_agent,
            target="application",
            reason="To look",
            duration=timedelta(hours=1),
        )
    assert "resolved or closed" in info.value.message
    assert not RemoteAccessGrant.objects.exists()
