from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from time_machine import TimeMachineFixture

from successdesk.accounts.models import AuditEntry, User
from tests.conftest import PASSWORD, signed_in

# A fixed instant: sessions and lockouts are timed from here, on a clock that moves only when
# a test moves it.
T0 = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def sign_in(client: Client, email: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": email, "password": password})


def test_the_sign_in_page_offers_need_help_and_forgot_password(db: None) -> None:
    page = Client().get(reverse("login")).content.decode()
    assert "Need Help?" in page and reverse("help") in page
    assert "Forgot Password?" in page and reverse("password_reset") in page


def test_a_customer_user_signs_in_with_an_email_and_lands_on_the_portal(
    northwind_user: User,
) -> None:
    client = Client()
    response = sign_in(client, "USER@northwind.example", PASSWORD)
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).redirect_chain[-1][0] == "/portal/"
    assert AuditEntry.objects.filter(action="auth.sign_in", actor=northwind_user).exists()


def test_vendor_staff_land_on_the_console(triage_agent: User) -> None:
    client = Client()
    sign_in(client, "triage@vendor.example", PASSWORD)
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/console/"


def test_a_wrong_password_is_refused_with_a_message_and_audited(northwind_user: User) -> None:
    response = sign_in(Client(), "user@northwind.example", "wrong")
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()
    assert AuditEntry.objects.filter(
        action="auth.sign_in_failed", target="user@northwind.example"
    ).exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"username": "not-an-email", "password": "x"}, {"username": "a@b.example"}],
)
def test_bad_sign_in_input_gets_a_form_message_not_an_error(db: None, data: dict[str, str]) -> None:
    response = Client().post(reverse("login"), data)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_repeated_failures_lock_the_account_until_the_cool_off_ends(
    northwind_user: User, settings: Any, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(T0, tick=False)
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    client = Client()
    for _ in range(3):
        sign_in(client, "user@northwind.example", "wrong")
    locked = sign_in(client, "user@northwind.example", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    time_machine.shift(timedelta(minutes=14, seconds=59))
    assert sign_in(client, "user@northwind.example", PASSWORD).status_code == 429
    # That refused attempt counts as a failure too: the cool-off runs from it.
    time_machine.shift(timedelta(minutes=15, seconds=1))
    response = sign_in(client, "user@northwind.example", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(northwind_user.pk)


def test_a_session_ends_after_its_absolute_lifetime_even_when_active(
    northwind_user: User, settings: Any, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(T0, tick=False)
    settings.SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
    client = signed_in(northwind_user)
    for _ in range(35):  # a page every 20 minutes: never idle
        assert client.get("/portal/").status_code == 200
        time_machine.shift(timedelta(minutes=20))
    assert client.get("/portal/").status_code == 200  # 11 h 40 min after sign-in
    time_machine.shift(timedelta(minutes=20, seconds=1))
    assert client.get("/portal/").status_code == 302


def test_a_session_ends_after_inactivity_and_activity_keeps_it_alive(
    northwind_user: User, settings: Any, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(T0, tick=False)
    settings.SESSION_COOKIE_AGE = 30 * 60
    settings.SESSION_RENEW_SECONDS = 60
    client = signed_in(northwind_user)
    for _ in range(4):  # 100 min in all, longer than the idle lifetime, but never 30 min idle
        time_machine.shift(timedelta(minutes=25))
        assert client.get("/portal/").status_code == 200
    time_machine.shift(timedelta(minutes=30, seconds=1))
    assert client.get("/portal/").status_code == 302


def test_a_session_is_renewed_at_most_once_a_renewal_period(
    northwind_user: User, settings: Any, time_machine: TimeMachineFixture
) -> None:
    from django.contrib.sessions.models import Session

    time_machine.move_to(T0, tick=False)
    settings.SESSION_RENEW_SECONDS = 60
    client = signed_in(northwind_user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    expiry = Session.objects.get(session_key=key).expire_date
    for _ in range(3):
        time_machine.shift(timedelta(seconds=15))
        assert client.get("/portal/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == expiry  # no write per page
    time_machine.shift(timedelta(seconds=20))  # 65 s since sign-in: past the renewal period
    assert client.get("/portal/").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed == T0 + timedelta(seconds=65 + settings.SESSION_COOKIE_AGE)


def test_a_disabled_user_is_signed_out_at_the_next_request(northwind_user: User) -> None:
    client = signed_in(northwind_user)
    User.objects.filter(pk=northwind_user.pk).update(is_active=False)
    assert client.get("/portal/").status_code == 302


def test_sign_out_ends_the_session(northwind_user: User) -> None:
    client = signed_in(northwind_user)
    client.post(reverse("logout"))
    assert client.get("/portal/").status_code == 302
