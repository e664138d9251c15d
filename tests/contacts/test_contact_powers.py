"""What designated contacts do for their own colleagues: reset link, unlock, e-mail change."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from successdesk.accounts.models import AuditEntry, Customer, User
from successdesk.contacts.models import DesignatedContact
from successdesk.contacts.services import designated_contact_remove
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


def confirmation_link(mailbox: Mailbox, address: str) -> str:
    deliver_due()
    (mail,) = [m for m in mailbox.to(address) if "Confirm" in str(m["Subject"])]
    return re.search(r"https?://[^/\s]+(/account/email/\S+/)", Mailbox.body(mail)).group(1)  # type: ignore[union-attr]


def test_changing_a_sign_in_email_waits_for_the_new_address_to_confirm_it(
    dc: User, colleague: User, smtp_server: Mailbox
) -> None:
    colleague_session = sign_in("noah@northwind.example", PASSWORD)
    response = signed_in(dc).post(
        f"{USERS}{colleague.pk}/email/", {"email": "Noah.Renamed@Northwind.example"}, follow=True
    )
    assert "We e-mailed noah.renamed@northwind.example a link to confirm" in (
        response.content.decode()
    )
    assert "Waiting for noah.renamed@northwind.example to confirm" in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.email == "noah@northwind.example"  # nothing changes before confirmation

    path = confirmation_link(smtp_server, "noah.renamed@northwind.example")
    (notice,) = smtp_server.to("noah@northwind.example")
    assert "Nothing changes unless the new address confirms it" in Mailbox.body(notice)
    page = Client().get(path)  # opening the link (a mail scanner, say) changes nothing
    assert "Confirm the change" in page.content.decode()
    colleague.refresh_from_db()
    assert colleague.email == "noah@northwind.example"

    done = Client().post(path)
    assert done.status_code == 200
    colleague.refresh_from_db()
    assert colleague.email == "noah.renamed@northwind.example"
    assert is_signed_in(sign_in("noah.renamed@northwind.example", PASSWORD))
    # Every session signed in before the change has ended.
    assert colleague_session.get("/portal/")["Location"].startswith(reverse("login"))
    deliver_due()
    changed = [m for m in smtp_server.to("noah@northwind.example") if "was changed" in m["Subject"]]
    assert "now signs in with noah.renamed@northwind.example" in Mailbox.body(changed[0])
    assert smtp_server.to("success-ops@vendor.example") == []  # not a designated contact
    entry = AuditEntry.objects.get(action="user.email_changed")
    assert entry.actor == dc
    assert entry.details == {
        "old": "noah@northwind.example",
        "new": "noah.renamed@northwind.example",
    }
    # The link works once.
    again = Client().post(path)
    assert again.status_code == 404
    assert "already used" in again.content.decode()


def test_a_designated_contact_cannot_take_over_another_contacts_account_by_moving_its_email(
    dc: User, northwind: Customer, smtp_server: Mailbox
) -> None:
    other = trained(northwind, "dc2@northwind.example", "Dana Second")
    designate(northwind, other)
    client = signed_in(dc)
    client.post(f"{USERS}{other.pk}/email/", {"email": "attacker@evil.example"})
    client.post(f"{USERS}{other.pk}/reset-password/")
    deliver_due()
    other.refresh_from_db()
    assert other.email == "dc2@northwind.example"
    # The reset link goes to the real address; the outside one only gets a confirmation
    # link, which the account's real owner would never have to use.
    resets = [m for m in smtp_server.to("attacker@evil.example") if "password" in m["Subject"]]
    assert resets == []
    assert any("password" in m["Subject"] for m in smtp_server.to("dc2@northwind.example"))
    assert any("was requested" in m["Subject"] for m in smtp_server.to("dc2@northwind.example"))


def test_the_vendor_is_told_when_a_designated_contacts_sign_in_email_changes(
    dc: User, northwind: Customer, smtp_server: Mailbox
) -> None:
    other = trained(northwind, "dc2@northwind.example", "Dana Second")
    designate(northwind, other)
    signed_in(dc).post(f"{USERS}{other.pk}/email/", {"email": "dana@northwind.example"})
    Client().post(confirmation_link(smtp_server, "dana@northwind.example"))
    deliver_due()
    (vendor,) = smtp_server.to("success-ops@vendor.example")
    body = Mailbox.body(vendor)
    assert "now signs in with dana@northwind.example instead of dc2@northwind.example" in body


@pytest.mark.parametrize(
    "address",
    [
        "free@northwind.example",
        "dc@northwind.example",
        "it@contoso.example",
        "agent@vendor.example",
    ],
)
def test_an_address_in_use_anywhere_gets_the_same_answer_as_a_free_one(
    dc: User, colleague: User, contoso: Customer, support_agent: User, address: str
) -> None:
    person(contoso, "it@contoso.example")
    client = signed_in(dc)
    response = client.post(f"{USERS}{colleague.pk}/email/", {"email": address})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"We e-mailed {address} a link to confirm the change" in page
    assert "already" not in page and "Another account" not in page
    colleague.refresh_from_db()
    assert colleague.email == "noah@northwind.example"
    # Only a free address is sent a link (one in use could never confirm).
    links = Notification.objects.filter(kind="user.email_change_confirm", to=address)
    assert links.exists() == (address == "free@northwind.example")


def test_a_clash_that_arises_before_confirmation_is_refused_without_naming_anyone(
    dc: User, colleague: User, contoso: Customer, smtp_server: Mailbox
) -> None:
    signed_in(dc).post(f"{USERS}{colleague.pk}/email/", {"email": "new@shared.example"})
    path = confirmation_link(smtp_server, "new@shared.example")
    person(contoso, "new@shared.example")
    response = Client().post(path)
    assert response.status_code == 409
    page = response.content.decode()
    assert "could not be changed" in page and "contoso" not in page.lower()
    colleague.refresh_from_db()
    assert colleague.email == "noah@northwind.example"
    assert AuditEntry.objects.filter(action="user.email_change_refused").exists()
    assert not AuditEntry.objects.filter(action="user.email_changed").exists()


def test_an_expired_or_replaced_confirmation_link_changes_nothing(
    dc: User, colleague: User, smtp_server: Mailbox, settings: object
) -> None:
    client = signed_in(dc)
    client.post(f"{USERS}{colleague.pk}/email/", {"email": "first@northwind.example"})
    first = confirmation_link(smtp_server, "first@northwind.example")
    client.post(f"{USERS}{colleague.pk}/email/", {"email": "second@northwind.example"})
    second = confirmation_link(smtp_server, "second@northwind.example")
    assert Client().post(first).status_code == 404  # replaced by the later request
    settings.EMAIL_CHANGE_TIMEOUT = -1  # type: ignore[attr-defined]
    expired = Client().post(second)
    assert expired.status_code == 404 and "expired" in expired.content.decode()
    assert Client().post(second[:-6] + "AAAAA/").status_code == 404  # a forged signature
    colleague.refresh_from_db()
    assert colleague.email == "noah@northwind.example"


def test_a_vendor_admin_changing_the_email_in_the_admin_also_needs_the_confirmation(
    colleague: User, admin_user: User, smtp_server: Mailbox
) -> None:
    url = reverse("admin:accounts_user_change", args=[colleague.pk])
    client = signed_in(admin_user)
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "groups"}
    data |= {"email": "moved@northwind.example", "customer": colleague.customer_id}
    data |= {"date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    colleague.refresh_from_db()
    assert colleague.email == "noah@northwind.example"
    Client().post(confirmation_link(smtp_server, "moved@northwind.example"))
    colleague.refresh_from_db()
    assert colleague.email == "moved@northwind.example"


@pytest.mark.parametrize(
    ("email", "status", "message"),
    [
        ("", 400, "Give the new e-mail address"),
        ("not an address", 400, "Write an e-mail address"),
        ("noah@northwind.example", 422, "already signs in with that address"),
    ],
)
def test_a_bad_new_email_gets_a_form_message_and_changes_nothing(
    dc: User, colleague: User, email: str, status: int, message: str
) -> None:
    response = signed_in(dc).post(f"{USERS}{colleague.pk}/email/", {"email": email})
    assert response.status_code == status
    assert message in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.email == "noah@northwind.example"
    assert not AuditEntry.objects.filter(action__startswith="user.email_change").exists()
    assert not Notification.objects.exists()


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


def test_the_customers_audit_trail_shows_actions_in_words(
    dc: User, colleague: User, admin_user: User
) -> None:
    signed_in(dc).post(f"{USERS}{colleague.pk}/reset-password/")
    signed_in(dc).post(f"{USERS}{colleague.pk}/email/", {"email": "noah2@northwind.example"})
    page = signed_in(admin_user).get(f"/console/customers/{colleague.customer_id}/")
    html = page.content.decode()
    assert "Password reset link sent" in html and "Sign-in e-mail change requested" in html
    assert "user.password_reset_sent" not in html and "user.email_change" not in html
