"""What designated contacts do for their own colleagues: reset link, unlock, e-mail change."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from successdesk.accounts.contacts import designated_contact_remove
from successdesk.accounts.models import AuditEntry, Customer, DesignatedContact, User
from successdesk.notifications.delivery import deliver_due
from successdesk.notifications.models import Notification
from tests.conftest import PASSWORD, Mailbox, signed_in
from tests.rostering import designate, person, subscribe, trained

USERS = "/portal/account/users/"


@pytest.fixture
def dc(northwind: Customer) -> User:
    subscribe(northwind)
    contact = trained(northwind, "dc@northwind.example", "Nadia Designated")
    designate(northwind, contact)
    return contact


@pytest.fixture
def colleague(northwind: Customer) -> User:
    return person(northwind, "noah@northwind.example", "Noah User")


def sign_in(email: str, password: str) -> Client:
    client = Client()
    client.post(reverse("login"), {"username": email, "password": password})
    return client


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def lock_out(email: str) -> None:
    for _ in range(5):
        sign_in(email, "wrong-password-again")
    assert not is_signed_in(sign_in(email, PASSWORD)), "the lockout should hold"


def test_a_designated_contact_sends_a_reset_link_that_works_end_to_end(
    dc: User, colleague: User, smtp_server: Mailbox
) -> None:
    response = signed_in(dc).post(f"{USERS}{colleague.pk}/reset-password/", follow=True)
    assert "We e-mailed noah@northwind.example a link" in response.content.decode()

    deliver_due()
    (mail,) = smtp_server.to("noah@northwind.example")
    body = Mailbox.body(mail)
    assert "Nadia Designated (dc@northwind.example)" in body
    path = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", body).group(1)  # type: ignore[union-attr]
    client = Client()
    form = client.get(path, follow=True)
    new = "a-brand-new-long-passphrase-42"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert is_signed_in(sign_in("noah@northwind.example", new))
    assert not is_signed_in(sign_in("noah@northwind.example", PASSWORD))
    entry = AuditEntry.objects.get(action="user.password_reset_sent")
    assert (entry.actor, entry.target) == (dc, "noah@northwind.example")


def test_a_designated_contact_unlocks_a_locked_out_colleague(dc: User, colleague: User) -> None:
    lock_out(colleague.email)
    client = signed_in(dc)
    assert "locked out" in client.get(USERS).content.decode()

    response = client.post(f"{USERS}{colleague.pk}/unlock/", follow=True)
    assert "noah@northwind.example can sign in again" in response.content.decode()
    assert is_signed_in(sign_in(colleague.email, PASSWORD))
    entry = AuditEntry.objects.get(action="user.unlocked")
    assert entry.actor == dc and entry.details["cleared"] >= 1


def test_unlocking_someone_not_locked_out_says_so(dc: User, colleague: User) -> None:
    response = signed_in(dc).post(f"{USERS}{colleague.pk}/unlock/", follow=True)
    assert "was not locked out; nothing to clear" in response.content.decode()


def test_a_designated_contact_changes_a_colleagues_sign_in_email_and_both_are_told(
    dc: User, colleague: User, smtp_server: Mailbox
) -> None:
    response = signed_in(dc).post(
        f"{USERS}{colleague.pk}/email/", {"email": "Noah.Renamed@Northwind.example"}
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.email == "noah.renamed@northwind.example"
    assert is_signed_in(sign_in("noah.renamed@northwind.example", PASSWORD))
    deliver_due()
    for address in ("noah@northwind.example", "noah.renamed@northwind.example"):
        (mail,) = smtp_server.to(address)
        assert "from noah@northwind.example to noah.renamed@northwind.example" in Mailbox.body(mail)
    entry = AuditEntry.objects.get(action="user.email_changed")
    assert entry.details == {
        "old": "noah@northwind.example",
        "new": "noah.renamed@northwind.example",
    }


@pytest.mark.parametrize(
    ("email", "status", "message"),
    [
        ("", 400, "Give the new e-mail address"),
        ("not an address", 400, "Write an e-mail address"),
        ("dc@northwind.example", 409, "Another account already signs in with"),
        ("it@contoso.example", 409, "Another account already signs in with"),
        ("noah@northwind.example", 422, "already signs in with that address"),
    ],
)
def test_a_bad_new_email_gets_a_form_message_and_changes_nothing(
    dc: User, colleague: User, contoso: Customer, email: str, status: int, message: str
) -> None:
    person(contoso, "it@contoso.example")
    response = signed_in(dc).post(f"{USERS}{colleague.pk}/email/", {"email": email})
    assert response.status_code == status
    assert message in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.email == "noah@northwind.example"
    assert not AuditEntry.objects.filter(action="user.email_changed").exists()
    assert not Notification.objects.filter(kind="user.email_changed").exists()


@pytest.mark.parametrize("action", ["reset-password", "unlock", "email"])
def test_another_customers_user_and_staff_are_not_found_for_any_power(
    dc: User, contoso: Customer, support_agent: User, action: str
) -> None:
    stranger = person(contoso, "it@contoso.example")
    client = signed_in(dc)
    for target in (stranger, support_agent):
        response = client.post(f"{USERS}{target.pk}/{action}/", {"email": "x@northwind.example"})
        assert response.status_code == 404, target
    stranger.refresh_from_db()
    support_agent.refresh_from_db()
    assert (stranger.email, support_agent.email) == ("it@contoso.example", "agent@vendor.example")
    assert not Notification.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="user.").exists()
    assert "it@contoso.example" not in client.get(USERS).content.decode()


@pytest.mark.parametrize("action", ["reset-password", "unlock", "email"])
def test_a_colleague_who_is_not_a_designated_contact_cannot_use_the_powers(
    dc: User, colleague: User, northwind: Customer, action: str
) -> None:
    other = person(northwind, "other@northwind.example")
    client = signed_in(colleague)
    page = client.get(USERS)
    assert page.status_code == 403
    assert "Ask one of them: dc@northwind.example" in page.content.decode()
    response = client.post(f"{USERS}{other.pk}/{action}/", {"email": "y@northwind.example"})
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.email == "other@northwind.example"
    assert not Notification.objects.exists()


def test_a_former_designated_contact_loses_the_powers(
    dc: User, colleague: User, northwind: Customer
) -> None:
    successor = trained(northwind, "successor@northwind.example")
    designate(northwind, successor)
    designated_contact_remove(actor=None, contact=DesignatedContact.objects.get(user=dc))
    response = signed_in(dc).post(f"{USERS}{colleague.pk}/reset-password/")
    assert response.status_code == 403
    assert not Notification.objects.exists()


def test_a_disabled_account_gets_no_reset_link_and_the_reason(dc: User, colleague: User) -> None:
    User.objects.filter(pk=colleague.pk).update(is_active=False)
    response = signed_in(dc).post(f"{USERS}{colleague.pk}/reset-password/")
    assert response.status_code == 409
    assert "account is disabled" in response.content.decode()
    assert not Notification.objects.exists()


def test_staff_get_404_from_the_users_page(support_agent: User) -> None:
    assert signed_in(support_agent).get(USERS).status_code == 404


def test_the_users_page_lists_only_the_customers_own_users(
    dc: User, colleague: User, contoso: Customer
) -> None:
    person(contoso, "it@contoso.example")
    page = signed_in(dc).get(USERS).content.decode()
    assert "noah@northwind.example" in page and "dc@northwind.example" in page
    assert "contoso" not in page.lower()
