from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory

from successdesk.accounts.models import AuditEntry, User
from successdesk.accounts.network import client_ip
from successdesk.accounts.services import token_create
from tests.conftest import PASSWORD, bearer, signed_in


def test_denied_api_access_is_audited(db: None) -> None:
    Client().get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    entry = AuditEntry.objects.get(action="access.denied")
    assert entry.target == "/api/v1/me"
    assert entry.details["status"] == 401


def test_a_customer_probing_the_console_is_audited_with_who_it_was(northwind_user: User) -> None:
    signed_in(northwind_user).get("/console/")
    entry = AuditEntry.objects.get(action="access.denied")
    assert entry.actor == northwind_user
    assert entry.details["status"] == 404


def test_another_customers_case_through_the_api_is_audited(
    northwind_user: User, contoso_user: User
) -> None:
    token = token_create(email=contoso_user.email)
    Client().get("/api/v1/cases/CS-999999", headers=bearer(token))
    assert AuditEntry.objects.filter(
        action="access.denied", actor=contoso_user, target="/api/v1/cases/CS-999999"
    ).exists()


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no trusted proxy: the header is ignored
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the proxy's view, not the spoof
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "", "10.0.0.1"),
    ],
)
def test_the_client_address_comes_from_trusted_proxies_only(
    settings: Any, proxies: int, forwarded: str, expected: str
) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_spoofed_forwarded_for_does_not_dodge_the_lockout(
    northwind_user: User, settings: Any
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SIGN_IN_IP_RATE = "3/15m"  # the per-network throttle, not the account lockout
    client = Client()
    for n in range(3):  # three different accounts: only the client address links them
        client.post(
            "/login/",
            {"username": f"guess{n}@northwind.example", "password": "wrong"},
            headers={"X-Forwarded-For": f"6.6.6.{n}, 203.0.113.9"},
        )
    locked = client.post(
        "/login/",
        {"username": "user@northwind.example", "password": "correct-horse-battery-staple"},
        headers={"X-Forwarded-For": "7.7.7.7, 203.0.113.9"},
    )
    assert locked.status_code == 429


def test_sign_in_rotates_the_session_key(northwind_user: User) -> None:
    client = Client()
    client.get("/login/")
    client.cookies["sessionid"] = "attacker-chosen-session-key"
    client.post("/login/", {"username": "user@northwind.example", "password": PASSWORD})
    assert client.cookies["sessionid"].value != "attacker-chosen-session-key"


def test_case_pages_and_api_answers_are_not_cached(northwind_user: User) -> None:
    client = signed_in(northwind_user)
    assert "no-store" in client.get("/portal/cases/")["Cache-Control"]
    assert "no-store" in client.get("/api/v1/cases")["Cache-Control"]


def test_short_or_common_passwords_are_refused(db: None) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("short", "password1234", "123456789012"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("a-long-unusual-passphrase-77")
