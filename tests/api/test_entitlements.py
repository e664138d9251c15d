from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from successdesk.accounts.models import Customer, User
from successdesk.accounts.services import token_create
from successdesk.domain.fair_usage import month_window
from successdesk.packages.models import Subscription, UsageCounter
from successdesk.packages.selectors import usage_status
from successdesk.packages.services import subscription_start
from tests.conftest import bearer
from tests.rostering import person, subscribe


def entitlements(user: User) -> Any:
    return Client().get("/api/v1/entitlements", headers=bearer(token_create(email=user.email)))


@pytest.fixture
def tokyo(db: None) -> Customer:
    customer = Customer.objects.create(name="Tokyo Traders", slug="tokyo", time_zone="Asia/Tokyo")
    subscribe(customer, "premier-success")
    return customer


def test_a_customer_sees_its_package_term_targets_and_features(tokyo: Customer) -> None:
    body = entitlements(person(tokyo, "ops@tokyo.example")).json()
    assert body["package"]["name"] == "Premier Success" and body["package"]["version"] == 1
    assert body["customer"]["name"] == "Tokyo Traders" and body["time_zone"] == "Asia/Tokyo"
    assert body["channels"] == ["api", "phone", "web"]
    assert body["priority_routing"] is True and body["routing_priority"] == 10
    sev1 = body["sla_targets"][0]
    assert sev1 == {
        "severity": 1,
        "first_response": "PT1H",
        "resolution": "PT24H",
        "business_hours": False,
    }
    assert body["features"]["content_library"] is True
    assert body["designated_contacts"] == {
        "included": 5,
        "extra_contact_fee": "500.00",
        "currency": "USD",
    }
    assert body["phone_hours"] == "Mon–Fri 08:00–20:00 America/Toronto"
    assert body["scheduled_change"] is None


def test_fair_usage_shows_limit_used_and_reset_in_the_customers_zone(tokyo: Customer) -> None:
    start, end = month_window(timezone.now(), "Asia/Tokyo")
    UsageCounter.objects.create(
        customer=tokyo, pool="admin_task", month=start.date(), used=3, extra=1
    )
    body = entitlements(person(tokyo, "ops@tokyo.example")).json()
    pools = {p["pool"]: p for p in body["fair_usage"]}
    assert set(pools) == {"admin_task", "advisory_review"}
    admin = pools["admin_task"]
    assert (admin["limit"], admin["used"], admin["extra"], admin["remaining"]) == (5, 3, 1, 3)
    assert pools["advisory_review"]["used"] == 0
    resets_at = datetime.fromisoformat(admin["resets_at"])
    assert resets_at == end
    local = resets_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert (local.day, local.hour, local.minute) == (1, 0, 0)
    assert resets_at.utcoffset() == local.utcoffset()  # written with the Tokyo offset


def test_usage_is_counted_in_the_month_of_the_customers_zone(tokyo: Customer) -> None:
    # 20:00 UTC on 31 January is already 1 February in Tokyo: February's counter applies.
    at = datetime(2026, 1, 31, 20, 0, tzinfo=UTC)
    UsageCounter.objects.create(customer=tokyo, pool="admin_task", month="2026-01-01", used=4)
    UsageCounter.objects.create(customer=tokyo, pool="admin_task", month="2026-02-01", used=1)
    # A term that covers January 2026 (a term's dates change only through the change
    # service, so the set-up starts another one).
    (current,) = Subscription.objects.filter(customer=tokyo)
    version = current.package_version
    current.delete()
    subscription_start(customer=tokyo, package_version=version, starts_on=date(2026, 1, 1))
    status = usage_status(tokyo, "admin_task", at)
    assert status.used == 1
    assert status.resets_at == datetime(2026, 3, 1, tzinfo=ZoneInfo("Asia/Tokyo"))


def test_standard_has_no_fair_usage_pools(contoso: Customer) -> None:
    subscribe(contoso, "standard")
    body = entitlements(person(contoso, "it@contoso.example")).json()
    assert body["fair_usage"] == []
    assert body["features"]["content_library"] is False


def test_vendor_staff_get_a_404_problem(support_agent: User) -> None:
    response = entitlements(support_agent)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_a_customer_without_a_current_subscription_is_told_what_to_do(
    northwind_user: User,
) -> None:
    response = entitlements(northwind_user)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "no_current_subscription"
    assert "account manager" in body["detail"]


def test_the_endpoint_needs_a_token(db: None) -> None:
    response = Client().get("/api/v1/entitlements")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
