"""Excluded requests: the portal warns as the customer types (and still lets them send);
staff confirm with the standard answer, or override; service requests are checked too."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from successdesk.accounts import services as accounts
from successdesk.accounts.models import AuditEntry, Customer, User
from successdesk.cases.models import Case, CaseEvent, Comment
from successdesk.service_requests.models import ServiceRequest
from tests.conftest import PASSWORD, designate, signed_in

RESET = {"subject": "Please reset my password", "description": "I am locked out, reset it."}


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def portal(premier_northwind: Customer, northwind_user: User, media_root: Any) -> Client:
    return signed_in(northwind_user)


def test_the_new_case_form_checks_for_excluded_requests_as_the_user_types(portal: Client) -> None:
    page = portal.get("/portal/cases/new/").content.decode()
    assert 'hx-post="/portal/services/exclusion-check/"' in page
    assert 'hx-include="#id_subject,#id_description"' in page


def test_a_password_reset_gets_the_answer_naming_the_designated_contacts_and_the_link(
    portal: Client, northwind: Customer
) -> None:
    ann = accounts.user_ensure(
        email="ann@northwind.example", password=PASSWORD, full_name="Ann Lee", customer=northwind
    )
    designate(ann)
    hint = portal.post("/portal/services/exclusion-check/", RESET, HTTP_HX_REQUEST="true")
    assert hint.status_code == 200
    text = hint.content.decode()
    assert 'data-exclusion="password_reset"' in text
    assert "your designated contact, Ann Lee" in text
    assert 'href="/password-reset/"' in text and "Forgot Password?" in text
    assert "You can still send it" in text


def test_an_in_scope_text_gets_no_warning(portal: Client) -> None:
    body = {"subject": "Points not awarded", "description": "Challenge completed, no points."}
    assert portal.post("/portal/services/exclusion-check/", body).content.decode().strip() == ""


def test_the_customer_may_still_submit_and_the_matches_are_kept(portal: Client) -> None:
    response = portal.post("/portal/cases/new/", {**RESET, "severity": "3"})
    assert response.status_code == 302
    assert Case.objects.get().exclusions[0]["kind"] == "password_reset"


def test_staff_confirm_an_exclusion_with_the_standard_answer_and_resolve_the_case(
    portal: Client, support_agent: User
) -> None:
    portal.post("/portal/cases/new/", {**RESET, "severity": "3"})
    case = Case.objects.get()
    staff = signed_in(support_agent)
    page = staff.get(f"/console/cases/{case.number}/").content.decode()
    assert "Excluded request?" in page and "Confirm and answer" in page
    staff.post(
        f"/console/cases/{case.number}/exclusion/",
        {"kind": "password_reset", "decision": "confirm"},
    )
    case.refresh_from_db()
    assert case.status == "resolved" and case.resolution_type == "other"
    assert "Forgot Password?" in case.resolution_summary
    reply = Comment.objects.get(case=case)
    assert not reply.is_internal and reply.body == case.resolution_summary
    assert CaseEvent.objects.filter(case=case, kind="exclusion_confirmed").exists()
    assert AuditEntry.objects.filter(action="exclusion.confirmed", target=case.number).exists()
    assert "Forgot Password?" in portal.get(f"/portal/cases/{case.number}/").content.decode()


def test_staff_override_an_exclusion_and_the_case_goes_on(
    portal: Client, support_agent: User
) -> None:
    portal.post("/portal/cases/new/", {**RESET, "severity": "3"})
    case = Case.objects.get()
    staff = signed_in(support_agent)
    staff.post(
        f"/console/cases/{case.number}/exclusion/",
        {"kind": "password_reset", "decision": "override", "note": "Reset e-mail is broken"},
    )
    case.refresh_from_db()
    assert case.status == "new"
    event = CaseEvent.objects.get(case=case, kind="exclusion_overridden")
    assert event.is_internal and event.data["note"] == "Reset e-mail is broken"
    assert AuditEntry.objects.filter(action="exclusion.overridden").exists()
    assert "overridden" in staff.get(f"/console/cases/{case.number}/").content.decode()


def test_customers_cannot_decide_exclusions(portal: Client) -> None:
    portal.post("/portal/cases/new/", {**RESET, "severity": "3"})
    case = Case.objects.get()
    decision = {"kind": "password_reset", "decision": "confirm"}
    response = portal.post(f"/console/cases/{case.number}/exclusion/", decision)
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == "new"


def test_a_service_request_is_checked_for_excluded_requests_too(portal: Client) -> None:
    page = portal.get("/portal/services/new/").content.decode()
    assert 'hx-include="#id_details"' in page
    portal.post(
        "/portal/services/new/",
        {"kind": "campaign_review", "details": "Please build and run our campaigns for us."},
    )
    assert ServiceRequest.objects.get().exclusions[0]["kind"] == "campaign_building"


def test_staff_pages_name_excluded_kinds_pools_and_statuses_in_words_not_codes(
    portal: Client, support_agent: User
) -> None:
    portal.post("/portal/cases/new/", {**RESET, "severity": "3"})
    case = Case.objects.get()
    portal.post(
        "/portal/services/new/",
        {"kind": "campaign_review", "details": "Please build and run our campaigns for us."},
    )
    item = ServiceRequest.objects.get()
    staff = signed_in(support_agent)
    staff.post(
        f"/console/cases/{case.number}/exclusion/",
        {"kind": "password_reset", "decision": "confirm"},
    )
    case_page = staff.get(f"/console/cases/{case.number}/").content.decode()
    request_page = staff.get(f"/console/services/{item.pk}/").content.decode()
    usage_page = staff.get("/console/services/usage/").content.decode()
    assert "<li>Password reset (“" in case_page
    assert "<li>Campaign building (“" in request_page and "Pool: advisory review" in request_page
    assert "Advisory review: 1" in usage_page
    for page in (case_page, request_page, usage_page):
        for code in ("password_reset", "campaign_building", "advisory_review", "admin_task"):
            assert f">{code}" not in page and f"{code} (" not in page and f"{code}:" not in page


def test_what_intake_stores_is_what_the_hint_showed_for_a_text_naming_a_vendor_product(
    portal: Client,
) -> None:
    # "Salesforce" alone is a third-party product; "Salesforce integration" (a catalog
    # name) is ours, so the request is about our integration, not someone else's product.
    text = "Since we moved behind a VPN, please configure the Salesforce integration again."
    body = {"subject": "Referral sync", "description": text}
    hint = portal.post("/portal/services/exclusion-check/", body, HTTP_HX_REQUEST="true")
    shown = set(re.findall(r'data-exclusion="(\w+)"', hint.content.decode()))
    assert "third_party" not in shown

    assert portal.post("/portal/cases/new/", {**body, "severity": "3"}).status_code == 302
    assert {m["kind"] for m in Case.objects.get().exclusions} == shown
    details = {"details": text}
    service_hint = portal.post("/portal/services/exclusion-check/", details)
    portal.post("/portal/services/new/", {"kind": "csv_import", **details})
    assert {m["kind"] for m in ServiceRequest.objects.get().exclusions} == set(
        re.findall(r'data-exclusion="(\w+)"', service_hint.content.decode())
    )
