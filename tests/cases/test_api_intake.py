from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from successdesk.accounts.models import Customer, User
from successdesk.accounts.services import token_create
from successdesk.cases.models import Case, Comment
from tests.conftest import bearer, signed_in, subscribe

GOOD = {"subject": "Points not awarded", "description": "Challenge done, no points.", "severity": 2}


@pytest.fixture
def api(premier_northwind: Customer, northwind_user: User) -> Client:
    client = Client(headers=bearer(token_create(email=northwind_user.email)))
    return client


def post(client: Client, body: Any, **headers: str) -> Any:
    return client.post("/api/v1/cases", body, content_type="application/json", headers=headers)


def test_a_case_opened_over_the_api_gets_a_number_and_due_times(api: Client) -> None:
    response = post(api, GOOD)
    assert response.status_code == 201
    body = response.json()
    assert body["number"].startswith("CS-")
    assert len(body["number"]) == 9
    assert body["channel"] == "api"
    assert body["status_label"] == "Received"
    assert body["first_response_due_at"] is not None
    assert body["resolution_due_at"] > body["first_response_due_at"]
    case = Case.objects.get(number=body["number"])
    assert case.customer.name == "Northwind"
    assert case.routing_priority == 10


def test_severity_1_over_the_api_is_refused_with_the_phone_number_and_hours(api: Client) -> None:
    response = post(api, {**GOOD, "severity": 1})
    assert response.status_code == 422
    problem = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert problem["code"] == "severity_1_requires_phone"
    assert problem["phone"] == "1-888-689-0758 x115"
    assert "08:00" in problem["phone_hours"]
    assert isinstance(problem["phone_open_now"], bool)
    assert "1-888-689-0758 x115" in problem["detail"]
    assert Case.objects.count() == 0


def test_a_retry_with_the_same_idempotency_key_replays_the_first_answer(api: Client) -> None:
    first = post(api, GOOD, **{"Idempotency-Key": "abc-1"})
    again = post(api, GOOD, **{"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201
    assert first.content == again.content
    assert Case.objects.count() == 1


def test_a_reused_idempotency_key_with_another_body_is_refused(api: Client) -> None:
    post(api, GOOD, **{"Idempotency-Key": "abc-2"})
    other = post(api, {**GOOD, "subject": "Something else"}, **{"Idempotency-Key": "abc-2"})
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": "x", "severity": 2}, "subject"),
        ({"subject": "", "description": "x", "severity": 2}, "subject"),
        ({"subject": "s" * 201, "description": "x", "severity": 2}, "subject"),
        ({"subject": "s", "severity": 2}, "description"),
        ({"subject": "s", "description": "x", "severity": 5}, "severity"),
        ({"subject": "s", "description": "x", "severity": "2"}, "severity"),
        ({"subject": "s", "description": "x"}, "severity"),
        ({"subject": 3, "description": "x", "severity": 2}, "subject"),
        ({**GOOD, "category": "c" * 61}, "category"),
        ({**GOOD, "unknown": 1}, "unknown"),
    ],
)
def test_bad_input_gets_422_naming_the_field_and_writes_nothing(
    api: Client, body: dict[str, Any], field: str
) -> None:
    response = post(api, body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert field in problem["detail"] or field == problem.get("field")
    assert Case.objects.count() == 0


def test_malformed_json_is_a_clear_4xx(api: Client) -> None:
    response = api.post("/api/v1/cases", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.json()["code"]


def test_another_customers_case_is_404_everywhere(
    api: Client, standard_contoso: Customer, contoso_user: User
) -> None:
    number = post(api, GOOD).json()["number"]
    other = Client(headers=bearer(token_create(email=contoso_user.email)))
    assert other.get(f"/api/v1/cases/{number}").status_code == 404
    comment = other.post(
        f"/api/v1/cases/{number}/comments", {"body": "hi"}, content_type="application/json"
    )
    assert comment.status_code == 404
    assert other.get("/api/v1/cases").json()["count"] == 0
    assert signed_in(contoso_user).get(f"/portal/cases/{number}/").status_code == 404


def test_the_case_list_filters_and_pages(api: Client) -> None:
    for n in range(3):
        post(api, {**GOOD, "subject": f"Case {n}", "severity": 2 + n % 2})
    everything = api.get("/api/v1/cases?limit=2").json()
    assert everything["count"] == 3
    assert len(everything["items"]) == 2
    assert api.get("/api/v1/cases?severity=3").json()["count"] == 1
    assert api.get("/api/v1/cases?limit=0").status_code == 422
    assert api.get("/api/v1/cases?status=bogus").status_code == 422


def test_the_case_list_walks_every_case_newest_first_by_cursor(api: Client) -> None:
    opened = [post(api, {**GOOD, "subject": f"Case {n}"}).json()["number"] for n in range(5)]
    Case.objects.update(created_at=Case.objects.first().created_at)  # one instant: ids decide
    seen, cursor, pages = [], "", 0
    while True:
        page = api.get(f"/api/v1/cases?limit=2&cursor={cursor}").json()
        assert page["count"] == 5 and page["count_capped"] is False
        seen += [item["number"] for item in page["items"]]
        pages += 1
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    assert pages == 3
    assert seen == opened[::-1]
    by_offset = api.get("/api/v1/cases?limit=2&offset=2").json()
    assert [item["number"] for item in by_offset["items"]] == opened[::-1][2:4]


def test_the_case_list_count_stops_at_its_cap(api: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from successdesk.cases import selectors

    for n in range(4):
        post(api, {**GOOD, "subject": f"Case {n}"})
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    page = api.get("/api/v1/cases").json()
    assert (page["count"], page["count_capped"], len(page["items"])) == (3, True, 4)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("cursor=bm9wZQ", "invalid_cursor"),
        ("cursor=WyJuZXdlc3QiLCIyMDI2LTExLTI3VDEwOjAwOjAwIiwxXQ", "invalid_cursor"),  # naive
        ("cursor=WyJvdGhlciIsIjIwMjYtMTEtMjdUMTA6MDA6MDArMDA6MDAiLDFd", "invalid_cursor"),
        ("cursor=WyJuZXdlc3QiLCIyMDI2LTExLTI3VDEwOjAwOjAwKzAwOjAwIiwxXQ&offset=2", "invalid_input"),
        ("offset=10001", "validation_error"),
    ],
)
def test_the_case_list_refuses_a_bad_page_request(api: Client, query: str, code: str) -> None:
    response = api.get(f"/api/v1/cases?{query}")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


def test_internal_notes_never_reach_the_customer_in_json(api: Client, support_agent: User) -> None:
    number = post(api, GOOD).json()["number"]
    staff = Client(headers=bearer(token_create(email=support_agent.email)))
    case = Case.objects.get(number=number)
    Comment.objects.create(case=case, author=support_agent, body="SECRET NOTE", is_internal=True)
    reply = staff.post(
        f"/api/v1/cases/{number}/comments",
        {"body": "Looking at it"},
        content_type="application/json",
    )
    assert reply.status_code == 201
    seen = api.get(f"/api/v1/cases/{number}")
    assert "SECRET NOTE" not in seen.content.decode()
    assert [c["body"] for c in seen.json()["comments"]] == ["Looking at it"]
    assert "SECRET NOTE" in staff.get(f"/api/v1/cases/{number}").content.decode()


def test_the_first_public_staff_reply_stops_the_first_response_clock(
    api: Client, support_agent: User
) -> None:
    number = post(api, GOOD).json()["number"]
    staff = Client(headers=bearer(token_create(email=support_agent.email)))
    staff.post(
        f"/api/v1/cases/{number}/comments", {"body": "On it"}, content_type="application/json"
    )
    case = Case.objects.get(number=number)
    assert case.first_responded_at is not None
    assert case.sla_clocks["first_response"]["stopped_at"] is not None
    assert case.sla_clocks["resolution"]["stopped_at"] is None


def test_a_package_without_the_api_channel_is_refused_naming_the_packages(
    api: Client, northwind_user: User
) -> None:
    from successdesk.packages.catalog import version_publish
    from successdesk.packages.models import PackageVersion, Subscription

    premier = PackageVersion.objects.get(package__slug="premier-success")
    version_publish(  # a web-and-phone-only version, the latest: the customer starts on it
        package=premier.package,
        entitlements={**premier.entitlements, "channels": ["web", "phone"]},
        effective_from=premier.effective_from,
        phone_calendar=premier.phone_calendar,
        sla_calendar=premier.sla_calendar,
    )
    # Fewer channels is a decrease, refused mid-term: the customer starts on it instead.
    Subscription.objects.filter(customer=northwind_user.customer).delete()
    subscribe(northwind_user.customer, "premier-success")
    response = post(api, GOOD)
    assert response.status_code == 403
    assert response.json()["code"] == "not_entitled"
    assert "Standard" in response.json()["detail"]
