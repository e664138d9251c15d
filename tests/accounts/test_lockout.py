"""The sign-in lockout holds an account, not an office: failures count per account (in any
letter case) and per account + address; a client address is throttled on its own, far
higher."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from successdesk.accounts import services as accounts
from successdesk.accounts.models import Customer, User
from tests.conftest import PASSWORD


def attempt(email: str, password: str, ip: str = "203.0.113.7") -> tuple[Any, Client]:
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse("login"), {"username": email, "password": password})
    return response, client


def signs_in(email: str, password: str = PASSWORD, ip: str = "203.0.113.7") -> bool:
    _, client = attempt(email, password, ip)
    return "_auth_user_id" in client.session


@pytest.fixture
def colleague(northwind: Customer) -> User:
    return accounts.user_ensure(
        email="colleague@northwind.example", password=PASSWORD, customer=northwind
    )


@pytest.fixture
def short_lockout(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def test_a_wrong_password_storm_for_one_user_locks_nobody_else_on_that_network(
    northwind_user: User, colleague: User, admin_user: User, short_lockout: None
) -> None:
    for _ in range(6):
        attempt("user@northwind.example", "wrong")
    assert not signs_in("user@northwind.example")
    assert signs_in("colleague@northwind.example")
    assert signs_in("admin@vendor.example")


def test_every_letter_case_of_an_address_counts_as_one_account(
    northwind_user: User, short_lockout: None
) -> None:
    for n, spelling in enumerate(["User@Northwind.example", "USER@NORTHWIND.EXAMPLE "]):
        attempt(spelling, "wrong", ip=f"198.51.100.{n}")
    response, _ = attempt("uSeR@northwind.EXAMPLE", "wrong", ip="198.51.100.9")
    assert response.status_code == 429
    page = response.content.decode()
    assert "The account <strong>user@northwind.example</strong> is locked for 15 minutes" in page
    assert "designated contacts to unlock" in page


@pytest.mark.parametrize(
    "spelling", ["user@northwind.example", "User@Northwind.Example", " USER@NORTHWIND.EXAMPLE"]
)
def test_a_locked_account_cannot_sign_in_with_any_casing_from_any_address(
    northwind_user: User, short_lockout: None, spelling: str
) -> None:
    for _ in range(3):
        attempt("user@northwind.example", "wrong")
    assert not signs_in(spelling, ip="192.0.2.44")


def test_the_network_throttle_starts_only_at_its_own_higher_limit(
    northwind: Customer, short_lockout: None, settings: Any
) -> None:
    settings.SIGN_IN_IP_RATE = "6/15m"
    people = [
        accounts.user_ensure(email=f"p{n}@northwind.example", password=PASSWORD, customer=northwind)
        for n in range(4)
    ]
    for person in people[:3]:
        for _ in range(2):  # below the per-account limit of 3
            response, _ = attempt(person.email, "wrong")
            assert response.status_code == 200
            assert "do not match an active account" in response.content.decode()
    throttled, client = attempt(people[3].email, PASSWORD)
    assert throttled.status_code == 429
    assert "Too many failed sign-ins from your network" in throttled.content.decode()
    assert "_auth_user_id" not in client.session
    assert signs_in(people[3].email, ip="203.0.113.8")  # another network is not held


def test_an_operator_clears_a_lockout_with_the_axes_command(
    northwind_user: User, short_lockout: None
) -> None:
    for spelling in ["user@northwind.example", "User@Northwind.example", "USER@northwind.example"]:
        attempt(spelling, "wrong")
    assert not signs_in("user@northwind.example")
    call_command("axes_reset_username", "user@northwind.example")
    assert signs_in("User@Northwind.example")
