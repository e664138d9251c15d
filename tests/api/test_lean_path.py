"""The API's lean path: a bearer-token request under /api/ skips the page middleware
(sessions, CSRF, messages, page CSP, axes) and keeps every protection an API answer needs;
a request authenticated by the browser's session still goes through all of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from successdesk.accounts.models import ApiToken, AuditEntry, Customer, User, token_digest
from successdesk.accounts.services import token_create
from successdesk.cases.models import Case
from tests.conftest import bearer

GOOD = {"subject": "Points not awarded", "description": "Challenge done, no points.", "severity": 2}
JSON_CSP = "default-src 'none'; frame-ancestors 'none'"


@pytest.fixture
def token(northwind_user: User) -> str:
    return token_create(email=northwind_user.email)


def assert_api_headers(response: Any) -> None:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Security-Policy"] == JSON_CSP
    assert "no-store" in response["Cache-Control"]


def test_a_bearer_request_sets_no_cookie_and_does_not_vary_on_cookies(token: str) -> None:
    response = Client().get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")


def test_a_bearer_request_carrying_a_session_cookie_neither_reads_nor_renews_it(
    northwind_user: User, token: str
) -> None:
    browser = Client()
    browser.force_login(northwind_user)
    response = browser.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")


def test_a_bearer_answer_carries_the_security_headers_and_a_strict_csp(token: str) -> None:
    response = Client().get("/api/v1/me", headers=bearer(token))
    assert_api_headers(response)


def test_a_bearer_refusal_is_problem_json_with_the_security_headers(db: None) -> None:
    response = Client().get("/api/v1/me", headers=bearer("sd_not-a-real-token"))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert_api_headers(response)


def test_a_session_answer_from_the_api_gets_the_strict_csp_too(northwind_user: User) -> None:
    browser = Client()
    browser.force_login(northwind_user)
    response = browser.get("/api/v1/me")
    assert response.status_code == 200
    assert_api_headers(response)


@override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_a_bearer_answer_over_https_carries_hsts(token: str) -> None:
    response = Client().get("/api/v1/me", headers=bearer(token), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@override_settings(SECURE_SSL_REDIRECT=True)
def test_a_bearer_request_over_plain_http_is_redirected_to_https(token: str) -> None:
    response = Client().get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_a_bearer_request_for_another_host_is_a_problem_400(token: str) -> None:
    response = Client().get("/api/v1/me", headers=bearer(token), HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "disallowed_host"


def test_a_bearer_request_with_a_nul_character_is_refused(token: str) -> None:
    response = Client().get("/api/v1/cases?q=a%00b", headers=bearer(token))
    assert response.status_code == 400
    assert response.json()["code"] == "null_character"


def test_a_denied_bearer_request_is_in_the_audit_log(db: None) -> None:
    Client().get("/api/v1/me", headers=bearer("sd_not-a-real-token"))
    entry = AuditEntry.objects.get(action="access.denied")
    assert entry.target == "/api/v1/me"
    assert entry.details["status"] == 401


def test_a_token_of_a_deactivated_customer_is_refused(
    northwind: Customer, northwind_user: User, token: str
) -> None:
    Customer.objects.filter(pk=northwind.pk).update(is_active=False)
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_bearer_post_needs_no_csrf_token(premier_northwind: Customer, token: str) -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/cases", GOOD, content_type="application/json", headers=bearer(token)
    )
    assert response.status_code == 201
    assert response.cookies == {}


def test_a_session_post_to_the_api_still_needs_its_csrf_token(
    premier_northwind: Customer, northwind_user: User
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(northwind_user)
    refused = browser.post("/api/v1/cases", GOOD, content_type="application/json")
    assert refused.status_code == 403
    assert Case.objects.count() == 0
    browser.get("/portal/")  # a page sets the CSRF cookie, as in a browser
    csrf = next(v.value for k, v in browser.cookies.items() if k.endswith("csrftoken"))
    accepted = browser.post(
        "/api/v1/cases", GOOD, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 201
    assert Case.objects.count() == 1


def test_a_bearer_request_costs_one_query_once_the_token_was_used_this_minute(
    token: str, django_assert_num_queries: Any
) -> None:
    client = Client(headers=bearer(token))
    client.get("/api/v1/me")  # touches last_used_at
    with django_assert_num_queries(1):
        assert client.get("/api/v1/me").status_code == 200


def test_a_token_used_then_revoked_or_its_customer_deactivated_is_refused_at_once(
    northwind: Customer, northwind_user: User
) -> None:
    first = token_create(email=northwind_user.email)
    second = token_create(email=northwind_user.email)
    client = Client()
    assert client.get("/api/v1/me", headers=bearer(first)).status_code == 200
    ApiToken.objects.filter(pk=ApiToken.objects.get(digest=token_digest(first)).pk).update(
        revoked_at=timezone.now()
    )
    assert client.get("/api/v1/me", headers=bearer(first)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200
    Customer.objects.filter(pk=northwind.pk).update(is_active=False)
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 401
