from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from successdesk.accounts.models import ApiToken, User
from successdesk.accounts.services import token_create
from tests.conftest import bearer, signed_in


def test_me_answers_who_the_token_belongs_to(northwind_user: User, contoso_user: User) -> None:
    token = token_create(email=northwind_user.email)
    response = Client().get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "user@northwind.example"
    assert body["customer"]["name"] == "Northwind"
    assert body["roles"] == [] and body["is_staff"] is False
    assert "Contoso" not in response.content.decode()
    assert (
        response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    )


def test_me_lists_the_roles_of_vendor_staff(triage_agent: User) -> None:
    token = token_create(email=triage_agent.email)
    body = Client().get("/api/v1/me", headers=bearer(token)).json()
    assert body["customer"] is None
    assert body["roles"] == ["triage_agent"] and body["is_staff"] is True


def test_me_works_with_the_browser_session(northwind_user: User) -> None:
    assert signed_in(northwind_user).get("/api/v1/me").json()["email"] == northwind_user.email


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer sd_not-a-real-token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
    ],
)
def test_a_missing_or_bad_token_gets_401_problem_json(db: None, headers: dict[str, str]) -> None:
    response = Client().get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "unauthenticated"


def test_a_revoked_token_no_longer_works(northwind_user: User) -> None:
    token = token_create(email=northwind_user.email)
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_a_disabled_users_token_no_longer_works(northwind_user: User) -> None:
    token = token_create(email=northwind_user.email)
    User.objects.filter(pk=northwind_user.pk).update(is_active=False)
    assert Client().get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_an_unknown_api_path_gets_a_404(northwind_user: User) -> None:
    token = token_create(email=northwind_user.email)
    assert Client().get("/api/v1/nothing-here", headers=bearer(token)).status_code == 404


def test_the_openapi_document_is_served_with_one_key_per_name(db: None) -> None:
    repeated: list[str] = []

    def no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        repeated.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(pairs)

    raw = Client().get("/api/v1/openapi.json").content
    spec = json.loads(raw, object_pairs_hook=no_repeats)  # Swagger UI refuses repeated keys
    assert repeated == []
    assert spec["info"]["title"] == "SuccessDesk API"
    me = spec["paths"]["/api/v1/me"]["get"]["responses"]
    assert set(me) == {"200", "401"}
    assert "application/problem+json" in me["401"]["content"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/cases?q=a%00b", None),
        ("post", "/api/v1/cases", '{"subject": "a\\u0000b", "description": "d", "severity": 2}'),
    ],
)
def test_nul_characters_are_refused_with_400_before_reaching_the_database(
    northwind_user: User, method: str, path: str, body: str | None
) -> None:
    token = token_create(email=northwind_user.email)
    client = Client(headers=bearer(token))
    if body is None:
        response = client.get(path)
    else:
        response = client.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "null_character"
