"""Every error under /api/ is application/problem+json, whoever produced it: an unknown
path, a refused Host header, a method the path does not answer, a body over the limit, a
missing CSRF token — not Django's HTML pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from successdesk.accounts.models import Customer, User
from successdesk.accounts.services import token_create
from successdesk.cases.models import Case
from tests.conftest import bearer

PROBLEM = "application/problem+json"
GOOD = {"subject": "Points not awarded", "description": "Challenge done, no points.", "severity": 2}


@pytest.fixture
def api(premier_northwind: Customer, northwind_user: User) -> Client:
    return Client(headers=bearer(token_create(email=northwind_user.email)))


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM, response.content[:300]
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["detail"]
    assert "no-store" in response["Cache-Control"]
    return body


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/nothing-here"),
        ("post", "/api/v1/cases/CS-000001/nothing"),
        ("get", "/api/v1/cases/"),
        ("get", "/api/v2/cases"),
        ("get", "/api/"),
    ],
)
def test_an_unknown_path_under_the_api_is_a_problem_404(
    api: Client, method: str, path: str
) -> None:
    body = problem(getattr(api, method)(path), 404, "not_found")
    assert body["instance"] == path
    page = getattr(api, method)(f"/no-such-page{path}")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")  # pages keep their HTML error page


@pytest.mark.parametrize("debug", [False, True])
def test_the_unknown_path_answer_is_a_problem_even_with_debug_on(
    api: Client, settings: Any, debug: bool
) -> None:
    settings.DEBUG = debug
    problem(api.get("/api/v1/nothing-here"), 404, "not_found")


@pytest.mark.parametrize(("method", "path"), [("get", "/api/v1/me"), ("post", "/api/v1/cases")])
def test_a_refused_host_header_is_a_problem_400(api: Client, method: str, path: str) -> None:
    response = getattr(api, method)(
        path, GOOD, content_type="application/json", headers={"Host": "evil.example"}
    )
    problem(response, 400, "disallowed_host")
    assert Case.objects.count() == 0


def test_a_method_the_path_does_not_answer_is_a_problem_405_with_allow(api: Client) -> None:
    response = api.delete("/api/v1/cases")
    problem(response, 405, "method_not_allowed")
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_a_body_over_the_size_limit_is_a_problem_413(api: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = {**GOOD, "description": "x" * 2000}
    problem(
        api.post("/api/v1/cases", big, content_type="application/json"), 413, "content_too_large"
    )
    assert Case.objects.count() == 0


def test_a_session_post_without_its_csrf_token_is_a_problem_403(
    premier_northwind: Customer, northwind_user: User
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(northwind_user)
    response = browser.post("/api/v1/cases", GOOD, content_type="application/json")
    assert "X-CSRFToken" in problem(response, 403, "csrf_failed")["detail"]
    assert Case.objects.count() == 0
