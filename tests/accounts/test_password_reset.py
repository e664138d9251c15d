from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from successdesk.accounts.models import User
from tests.conftest import Mailbox


def test_password_reset_end_to_end_through_a_real_smtp_server(
    northwind_user: User, smtp_server: Mailbox
) -> None:
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "user@northwind.example"})
    assert response.status_code == 302

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


def test_unknown_and_known_addresses_get_the_same_answer(
    northwind_user: User, smtp_server: Mailbox
) -> None:
    known = Client().post(reverse("password_reset"), {"email": "user@northwind.example"})
    unknown = Client().post(reverse("password_reset"), {"email": "nobody@nowhere.example"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert smtp_server.to("nobody@nowhere.example") == []


def test_a_weak_new_password_is_refused_with_the_reason(
    northwind_user: User, smtp_server: Mailbox
) -> None:
    client = Client()
    client.post(reverse("password_reset"), {"email": "user@northwind.example"})
    body = Mailbox.body(smtp_server.to("user@northwind.example")[0])
    path = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", body).group(1)  # type: ignore[union-attr]
    url = client.get(path, follow=True).redirect_chain[-1][0]
    response = client.post(url, {"new_password1": "password", "new_password2": "password"})
    assert response.status_code == 200
    assert "too common" in response.content.decode() or "too short" in response.content.decode()


def test_reset_tokens_last_at_most_an_hour(settings: object) -> None:
    assert settings.PASSWORD_RESET_TIMEOUT <= 3600  # type: ignore[attr-defined]


def test_a_bad_email_address_gets_a_form_message(db: None) -> None:
    response = Client().post(reverse("password_reset"), {"email": "not an address"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
