from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from successdesk.accounts.models import User
from successdesk.notifications.delivery import deliver_due
from successdesk.notifications.models import Notification
from tests.conftest import Mailbox

RESET = "/password-reset/"


@pytest.fixture(autouse=True)
def _no_tasks_of_earlier_tests(settings: Any) -> None:
    """On Redis the task queues outlive a test's database: start each test with them empty,
    so that the worker runs only what this test queued."""
    if settings.TASKS_BACKEND == "redis":
        import django_rq

        for name in settings.TASK_QUEUES:
            django_rq.get_queue(name).empty()


def run_background_work() -> None:
    """What the worker does: run the queued tasks, then deliver the outbox."""
    call_command("worker", burst=True, no_fork=True)
    deliver_due()


def page(url: str) -> str:
    """The page without its per-response CSP nonce and CSRF token."""
    html = Client().get(url).content.decode()
    return re.sub(r'nonce="[^"]*"|"X-CSRFToken": "[^"]*"', "", html)


def ask(email: str, ip: str = "127.0.0.1", **extra: Any) -> Any:
    return Client(REMOTE_ADDR=ip).post(reverse("password_reset"), {"email": email}, **extra)


@pytest.mark.django_db(transaction=True)
def test_password_reset_end_to_end_through_a_real_smtp_server(
    northwind_user: User, smtp_server: Mailbox
) -> None:
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "user@northwind.example"})
    assert response.status_code == 302
    run_background_work()
    (message,) = smtp_server.to("user@northwind.example")
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", Mailbox.body(message))
    assert link is not None
    path = link.group(1)

    form = client.get(path, follow=True)
    assert form.status_code == 200
    set_password_url = form.redirect_chain[-1][0]
    new = "a-brand-new-long-passphrase-42"
    done = client.post(set_password_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302

    fresh = Client()
    signed = fresh.post(reverse("login"), {"username": "user@northwind.example", "password": new})
    assert signed.status_code == 302
    assert fresh.session["_auth_user_id"] == str(northwind_user.pk)

    # The link works once.
    again = Client().get(path, follow=True)
    assert "This link no longer works" in again.content.decode()


@pytest.mark.django_db(transaction=True)
def test_unknown_and_known_addresses_get_the_same_answer_and_nothing_is_mailed_in_the_request(
    northwind_user: User, smtp_server: Mailbox
) -> None:
    known = Client().post(reverse("password_reset"), {"email": "user@northwind.example"})
    unknown = Client().post(reverse("password_reset"), {"email": "nobody@nowhere.example"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert page(known["Location"]) == page(unknown["Location"])
    # The request only queued the work: no lookup's result, no outbox row, no mail yet.
    assert not Notification.objects.exists()
    assert smtp_server.messages == []

    run_background_work()
    assert smtp_server.to("nobody@nowhere.example") == []
    assert not Notification.objects.filter(to="nobody@nowhere.example").exists()
    # The known address's mail went through the outbox, delivered by the worker.
    (row,) = Notification.objects.filter(to="user@northwind.example")
    assert row.kind == "user.password_reset" and row.sent_at is not None
    assert len(smtp_server.to("user@northwind.example")) == 1


@pytest.mark.django_db(transaction=True)
def test_the_link_is_built_from_site_url_whatever_host_the_request_named(
    northwind_user: User, smtp_server: Mailbox, settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://support.vendor.example"
    response = ask("user@northwind.example", HTTP_HOST="evil.example")
    assert response.status_code == 302
    run_background_work()
    body = Mailbox.body(smtp_server.to("user@northwind.example")[0])
    assert "evil.example" not in body
    assert "https://support.vendor.example/password-reset/" in body


def test_requests_for_one_address_are_limited_with_a_clear_429(
    northwind_user: User, settings: Any
) -> None:
    settings.PASSWORD_RESET_EMAIL_RATE = "2/h"
    assert ask("user@northwind.example", ip="10.0.0.1").status_code == 302
    assert ask("USER@northwind.example ", ip="10.0.0.2").status_code == 302
    refused = ask("user@northwind.example", ip="10.0.0.3")
    assert refused.status_code == 429
    assert "Too many password reset requests for this address" in refused.content.decode()
    # An unknown address is limited the same way (the limit reveals nothing).
    for ip in ("10.0.0.1", "10.0.0.2"):
        ask("nobody@nowhere.example", ip=ip)
    assert ask("nobody@nowhere.example", ip="10.0.0.3").status_code == 429
    assert ask("other@northwind.example", ip="10.0.0.3").status_code == 302


def test_requests_from_one_network_are_limited_with_a_clear_429(db: None, settings: Any) -> None:
    settings.PASSWORD_RESET_IP_RATE = "3/h"
    for n in range(3):
        assert ask(f"person{n}@example.com", ip="10.0.0.9").status_code == 302
    refused = ask("person9@example.com", ip="10.0.0.9")
    assert refused.status_code == 429
    assert "Too many password reset requests for your network" in refused.content.decode()
    assert ask("person9@example.com", ip="10.0.0.10").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_weak_new_password_is_refused_with_the_reason(
    northwind_user: User, smtp_server: Mailbox
) -> None:
    client = Client()
    client.post(reverse("password_reset"), {"email": "user@northwind.example"})
    run_background_work()
    body = Mailbox.body(smtp_server.to("user@northwind.example")[0])
    path = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", body).group(1)  # type: ignore[union-attr]
    url = client.get(path, follow=True).redirect_chain[-1][0]

    def refusal(password: str) -> str:
        response = client.post(url, {"new_password1": password, "new_password2": password})
        assert response.status_code == 200
        return response.content.decode()

    common, short = "This password is too common.", "This password is too short."
    both = refusal("password")
    assert common in both and short in both
    long_but_common = refusal("telechargement")  # 14 characters, on Django's common list
    assert common in long_but_common and short not in long_but_common
    short_but_rare = refusal("Zq7-vR2p")
    assert short in short_but_rare and common not in short_but_rare


def test_reset_tokens_last_at_most_an_hour(settings: object) -> None:
    assert settings.PASSWORD_RESET_TIMEOUT <= 3600  # type: ignore[attr-defined]


def test_a_bad_email_address_gets_a_form_message(db: None) -> None:
    response = Client().post(reverse("password_reset"), {"email": "not an address"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
