"""POST/GET /api/v1/service-requests: submit under the fair-usage limit, list, read."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client
from django.utils import timezone

from successdesk.accounts.models import Customer, User
from successdesk.accounts.services import token_create
from successdesk.packages.models import UsageCounter
from successdesk.service_requests.models import ServiceRequest
from successdesk.service_requests.services import month_of
from tests.conftest import bearer
from tests.service_requests.conftest import post, use

CSV = {"kind": "csv_import", "details": "Import 1,200 advocates from the attached export."}


def this_month(customer: Customer) -> datetime:
    return datetime.combine(month_of(customer, timezone.now())[0], datetime.min.time())


def test_a_service_request_is_submitted_and_counted(api: Client, northwind: Customer) -> None:
    response = post(api, CSV)
    assert response.status_code == 201
    body = response.json()
    assert body["number"].startswith("SR-")
    assert body["status"] == "submitted"
    assert body["quota_kind"] == "admin_task"
    assert body["events"][0]["kind"] == "submitted"
    counter = UsageCounter.objects.get(customer=northwind, pool="admin_task")
    assert counter.used == 1

    listed = api.get("/api/v1/service-requests").json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == body["number"]
    one = api.get(f"/api/v1/service-requests/{body['number']}").json()
    assert one["details"] == CSV["details"]


def test_over_the_limit_the_api_answers_429_with_limit_used_and_reset(
    api: Client, northwind: Customer
) -> None:
    month, resets_at = month_of(northwind, timezone.now())
    use(northwind, month, 5)
    response = post(api, CSV)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "fair_usage_limit_reached"
    assert problem["limit"] == 5 and problem["used"] == 5
    assert datetime.fromisoformat(problem["resets_at"]) == resets_at
    assert "resets on" in problem["detail"]
    assert ServiceRequest.objects.count() == 0
    # The other pool is separate on Premier Success: a review still goes through.
    review = {"kind": "campaign_review", "details": "Our spring challenge"}
    assert post(api, review).status_code == 201


def test_the_usage_endpoint_shows_every_pool_before_anything_is_sent(
    api: Client, northwind: Customer
) -> None:
    use(northwind, month_of(northwind, timezone.now())[0], 3)
    pools = {p["pool"]: p for p in api.get("/api/v1/service-requests/usage").json()["pools"]}
    assert pools["admin_task"]["used"] == 3 and pools["admin_task"]["remaining"] == 2
    assert pools["advisory_review"]["remaining"] == 5


def test_a_package_without_service_requests_is_refused_naming_the_packages(
    standard_contoso: Customer, contoso_user: User
) -> None:
    client = Client(headers=bearer(token_create(email=contoso_user.email)))
    response = post(client, CSV)
    assert response.status_code == 403
    problem = response.json()
    assert problem["code"] == "not_entitled"
    assert problem["included_in"] == ["Premier Success", "Premier Success Plus"]
    assert "Premier Success" in problem["detail"]
    assert ServiceRequest.objects.count() == 0


def test_a_retry_with_the_same_idempotency_key_counts_once(
    api: Client, northwind: Customer
) -> None:
    first = post(api, CSV, **{"Idempotency-Key": "sr-1"})
    again = post(api, CSV, **{"Idempotency-Key": "sr-1"})
    assert first.status_code == again.status_code == 201
    assert first.content == again.content
    assert ServiceRequest.objects.count() == 1
    assert UsageCounter.objects.get(customer=northwind).used == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "build_my_campaign", "details": "x"}, "kind"),
        ({"kind": "csv_import", "details": ""}, "details"),
        ({"kind": "csv_import"}, "details"),
    ],
)
def test_bad_input_is_422_naming_the_field(api: Client, body: dict[str, str], field: str) -> None:
    response = post(api, body)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_another_customers_request_is_404(
    api: Client, standard_contoso: Customer, contoso_user: User, northwind_user: User
) -> None:
    number = post(api, CSV).json()["number"]
    client = Client(headers=bearer(token_create(email=contoso_user.email)))
    assert client.get(f"/api/v1/service-requests/{number}").status_code == 404
    assert client.get("/api/v1/service-requests").json()["count"] == 0
