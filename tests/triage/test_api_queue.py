"""GET /api/v1/queue: staff read queues in priority order with SLA due times."""

from __future__ import annotations

from django.test import Client

from successdesk.accounts.models import Customer, SupportTeam, User
from successdesk.accounts.services import token_create
from successdesk.triage.models import RoutingRule
from tests.conftest import bearer

from .conftest import open_case


def test_the_triage_queue_comes_in_priority_order_with_due_times_and_pages_by_cursor(
    customers: dict[str, Customer], triager: User
) -> None:
    standard = open_case(customers["standard"], severity=2)
    premier = open_case(customers["premier"], severity=2)
    plus = open_case(customers["plus"], severity=3)
    client, auth = Client(), bearer(token_create(email=triager.email))

    first = client.get("/api/v1/queue", {"limit": 2}, headers=auth)
    assert first.status_code == 200
    body = first.json()
    assert body["queue"] == "triage"
    assert [i["number"] for i in body["items"]] == [plus.number, premier.number]
    top = body["items"][0]
    assert top["package"] == "premier-success-plus" and top["routing_priority"] == 20
    assert top["resolution_due_at"] and top["first_response_due_at"]
    assert {s["clock"] for s in top["sla"]} == {"first_response", "resolution"}

    rest = client.get("/api/v1/queue", {"limit": 2, "cursor": body["next_cursor"]}, headers=auth)
    assert [i["number"] for i in rest.json()["items"]] == [standard.number]
    assert rest.json()["next_cursor"] is None


def test_a_team_queue_holds_the_cases_routed_to_the_team(
    customers: dict[str, Customer],
    rules: list[RoutingRule],
    teams: dict[str, SupportTeam],
    triager: User,
) -> None:
    routed = open_case(customers["premier"], category="integration")
    open_case(customers["premier"], category="billing")
    auth = bearer(token_create(email=triager.email))
    body = Client().get("/api/v1/queue", {"team": "integrations"}, headers=auth).json()
    assert body["queue"] == "integrations"
    assert [(i["number"], i["team"], i["assignee"]) for i in body["items"]] == [
        (routed.number, "integrations", "bob@vendor.example")
    ]


def test_customers_get_404_and_bad_input_gets_a_clear_422(
    customers: dict[str, Customer], triager: User, teams: dict[str, SupportTeam]
) -> None:
    customer_token = token_create(email="user@northwind.example")
    refused = Client().get("/api/v1/queue", headers=bearer(customer_token))
    assert refused.status_code == 404
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "not_found"

    auth = bearer(token_create(email=triager.email))
    unknown = Client().get("/api/v1/queue", {"team": "nowhere"}, headers=auth)
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "unknown_team"
    assert "platform" in unknown.json()["detail"]

    cursor = Client().get("/api/v1/queue", {"cursor": "%%%"}, headers=auth)
    assert cursor.status_code == 422
    assert cursor.json()["code"] == "invalid_cursor"

    limit = Client().get("/api/v1/queue", {"limit": 0}, headers=auth)
    assert limit.status_code == 422
    assert limit.json()["code"] == "validation_error"

    assert Client().get("/api/v1/queue").status_code == 401
