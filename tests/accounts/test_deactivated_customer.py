"""A deactivated customer signs nobody in and opens nothing, whatever the path: the rule
sits in the authentication backend (password sign-in and sessions), the API's token check
and the one intake of cases and service requests."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from successdesk.accounts.active import CustomerInactive
from successdesk.accounts.models import Customer, User
from successdesk.accounts.services import token_create
from successdesk.cases.models import Case
from successdesk.intake.services import CaseDraft, case_open_phone, case_open_portal
from successdesk.service_requests.models import ServiceRequest
from successdesk.service_requests.services import service_request_submit
from tests.conftest import PASSWORD, bearer, signed_in


def deactivate(customer: Customer) -> None:
    Customer.objects.filter(pk=customer.pk).update(is_active=False)
    customer.refresh_from_db()


def test_a_deactivated_customers_user_is_refused_at_sign_in_with_a_clear_message(
    premier_northwind: Customer, northwind_user: User
) -> None:
    deactivate(premier_northwind)
    client = Client()
    response = client.post(
        reverse("login"), {"username": northwind_user.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Northwind&#x27;s account with us is deactivated" in response.content.decode()
    assert client.get("/portal/").status_code == 302


def test_a_wrong_password_for_a_deactivated_customer_reveals_nothing(
    premier_northwind: Customer, northwind_user: User
) -> None:
    deactivate(premier_northwind)
    response = Client().post(
        reverse("login"), {"username": northwind_user.email, "password": "not-the-password"}
    )
    page = response.content.decode()
    assert "deactivated" not in page and "do not match an active account" in page


def test_an_open_session_ends_when_its_customer_is_deactivated(
    premier_northwind: Customer, northwind_user: User
) -> None:
    client = signed_in(northwind_user)
    assert client.get("/portal/").status_code == 200
    deactivate(premier_northwind)
    assert client.get("/portal/").status_code == 302
    assert client.get("/api/v1/me").status_code == 401


def test_an_api_token_of_a_deactivated_customer_gets_401_problem_json(
    premier_northwind: Customer, northwind_user: User
) -> None:
    headers = bearer(token_create(email=northwind_user.email))
    assert Client().get("/api/v1/me", headers=headers).status_code == 200
    deactivate(premier_northwind)
    response = Client().get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "unauthenticated"


def test_staff_cannot_log_a_phone_case_for_a_deactivated_customer(
    premier_northwind: Customer, northwind_user: User, triage_agent: User
) -> None:
    deactivate(premier_northwind)
    with pytest.raises(CustomerInactive):
        case_open_phone(
            draft=CaseDraft(subject="Hub down", description="Nobody signs in", severity=1),
            customer=premier_northwind,
            created_by=triage_agent,
        )
    response = signed_in(triage_agent).post(
        "/console/phone/",
        {
            "customer": premier_northwind.pk,
            "caller_name": "Noah User",
            "caller_email": "user@northwind.example",
            "callback_number": "+1 416 555 0100",
            "subject": "Hub is down",
            "description": "Nobody can sign in to the hub.",
            "severity": "1",
        },
    )
    assert response.status_code != 302
    assert not Case.objects.exists()


def test_no_case_or_service_request_is_opened_for_a_deactivated_customer(
    premier_northwind: Customer, northwind_user: User
) -> None:
    deactivate(premier_northwind)
    northwind_user.refresh_from_db()
    with pytest.raises(CustomerInactive):
        case_open_portal(
            draft=CaseDraft(subject="Badges", description="Badges missing", severity=3),
            requester=northwind_user,
        )
    with pytest.raises(CustomerInactive):
        service_request_submit(requester=northwind_user, kind="csv_import", details="Import")
    assert not Case.objects.exists() and not ServiceRequest.objects.exists()


def test_the_public_form_from_a_deactivated_customers_address_opens_nothing_for_it(
    premier_northwind: Customer, northwind_user: User
) -> None:
    deactivate(premier_northwind)
    Client().post(
        "/help/",
        {
            "name": "Noah",
            "email": northwind_user.email,
            "customer_name": "Northwind",
            "subject": "Cannot export report",
            "description": "Export button spins forever.",
        },
    )
    assert not Case.objects.filter(customer=premier_northwind).exists()
    assert not Case.objects.filter(is_verified=True).exists()
