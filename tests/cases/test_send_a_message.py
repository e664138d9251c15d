"""The public "Send a Message" form: nobody files a case in another person's name.

Anyone can type anyone's address into the form, so a case from it stays out of every
portal, without package priority, until its sender proves the address (the mailed link) or
a triage agent verifies it; and the mail it triggers carries nothing the sender chose but
the subject.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from successdesk.accounts.models import Customer, User
from successdesk.accounts.services import token_create, user_ensure
from successdesk.cases.conversation import comment_add
from successdesk.cases.models import Case, CaseEvent
from successdesk.contacts.services import preference_follow_all_cases
from successdesk.intake.services import CaseDraft, case_open_contact_form
from successdesk.notifications.delivery import deliver_due
from successdesk.triage.selectors import queue_page, queue_triage
from tests.conftest import PASSWORD, Mailbox, bearer, designate, signed_in

DESCRIPTION = "Wire the refund to account 12345 TEXT-CHOSEN-BY-THE-SENDER"
SPOOF = {
    "name": "Mallory Pretender",
    "email": "USER@Northwind.example",  # Noah's address, in another letter case
    "phone": "",
    "customer_name": "Northwind",
    "subject": "Urgent refund",
    "description": DESCRIPTION,
}
STRANGER = {**SPOOF, "name": "Sam Stranger", "email": "sam@elsewhere.example"}


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def contact(premier_northwind: Customer, northwind_user: User) -> User:
    """Northwind's designated contact, who follows every case of Northwind."""
    nadia = user_ensure(email="dc@northwind.example", password=PASSWORD, customer=premier_northwind)
    designate(nadia)
    preference_follow_all_cases(user=nadia, follow=True)
    return nadia


def send(data: dict[str, str]) -> Case:
    response = Client().post("/help/", data)
    assert response.status_code == 302
    return Case.objects.get(requester_email__iexact=data["email"], subject=data["subject"])


def confirmation_link(mailbox: Mailbox, address: str) -> str:
    deliver_due()
    (mail,) = mailbox.to(address)
    found = re.search(r"http://\S+(/help/confirm/\S+/)", Mailbox.body(mail))
    assert found, Mailbox.body(mail)
    return found.group(1)


def portal_numbers(user: User) -> str:
    return signed_in(user).get("/portal/cases/").content.decode()


def api_numbers(user: User) -> list[str]:
    token = token_create(email=user.email)
    response = Client().get("/api/v1/cases", headers=bearer(token))
    assert response.status_code == 200
    return [item["number"] for item in response.json()["items"]]


def test_a_message_giving_a_customer_users_address_stays_out_of_their_portal_and_priority(
    northwind_user: User, contact: User, triage_agent: User
) -> None:
    spoofed = send(SPOOF)
    stranger = send(STRANGER)

    assert not spoofed.is_verified
    assert spoofed.customer is None and spoofed.requester is None
    assert spoofed.created_by is None
    assert spoofed.sender_match == northwind_user  # a candidate only
    assert spoofed.routing_priority == stranger.routing_priority == 0
    assert spoofed.sla_clocks == {}
    for user in (northwind_user, contact):
        assert spoofed.number not in portal_numbers(user)
        assert signed_in(user).get(f"/portal/cases/{spoofed.number}/").status_code == 404
        assert spoofed.number not in api_numbers(user)
        token = token_create(email=user.email)
        answer = Client().get(f"/api/v1/cases/{spoofed.number}", headers=bearer(token))
        assert answer.status_code == 404
    staff_page = signed_in(triage_agent).get(f"/console/cases/{spoofed.number}/")
    assert staff_page.status_code == 200
    assert "unverified" in staff_page.content.decode()


def test_the_mail_to_the_address_asks_to_confirm_and_carries_none_of_the_senders_text(
    contact: User, smtp_server: Mailbox
) -> None:
    spoofed = send(SPOOF)
    deliver_due()

    assert smtp_server.to("dc@northwind.example") == []  # nobody else hears of it
    (mail,) = smtp_server.to("user@northwind.example")
    body = Mailbox.body(mail)
    assert spoofed.number in mail["Subject"] and "Urgent refund" in mail["Subject"]
    assert "in your name" in body and "/help/confirm/" in body
    assert "If it wasn't you, ignore this e-mail" in body
    assert "TEXT-CHOSEN-BY-THE-SENDER" not in body and "Mallory" not in body
    assert "/portal/" not in body


def test_the_confirmation_link_puts_the_case_in_the_portal_with_its_package_priority(
    northwind_user: User, contact: User, smtp_server: Mailbox
) -> None:
    earlier = send(STRANGER)  # same severity, sent first: ahead of the spoof in the queue
    spoofed = send(SPOOF)
    link = confirmation_link(smtp_server, "user@northwind.example")
    queue = [c.number for c in queue_page(queue_triage(), queue="triage").cases]
    assert queue.index(earlier.number) < queue.index(spoofed.number)

    page = Client().get(link)  # opening the link (a mail scanner does) confirms nothing
    assert page.status_code == 200 and "Yes, I sent this message" in page.content.decode()
    assert "TEXT-CHOSEN-BY-THE-SENDER" not in page.content.decode()
    assert not Case.objects.get(pk=spoofed.pk).is_verified

    confirmed = Client().post(link)
    assert confirmed.status_code == 200 and "Message confirmed" in confirmed.content.decode()
    case = Case.objects.get(pk=spoofed.pk)
    assert case.is_verified and case.customer == northwind_user.customer
    assert case.requester == northwind_user and case.created_by == northwind_user
    assert case.routing_priority == 10  # Premier Success
    assert case.resolution_due_at is not None
    event = CaseEvent.objects.get(case=case, kind="sender_verified")
    assert event.actor == northwind_user and not event.is_internal
    assert case.number in portal_numbers(northwind_user)
    assert case.number in api_numbers(northwind_user)
    queue = [c.number for c in queue_page(queue_triage(), queue="triage").cases]
    assert queue.index(case.number) < queue.index(earlier.number)
    deliver_due()
    (verified,) = smtp_server.to("dc@northwind.example")  # now the contact hears of it
    assert f"/portal/cases/{case.number}/" in Mailbox.body(verified)


def test_a_used_tampered_or_expired_confirmation_link_is_refused_with_a_clear_page(
    premier_northwind: Customer, northwind_user: User, smtp_server: Mailbox
) -> None:
    spoofed = send(SPOOF)
    link = confirmation_link(smtp_server, "user@northwind.example")

    tampered = Client().post(link[:-6] + ("A" if link[-6] != "A" else "B") + link[-5:])
    assert tampered.status_code == 400
    assert "damaged or incomplete" in tampered.content.decode()
    assert Client().get(link.replace("/confirm/", "/confirm/x")).status_code == 400

    assert Client().post(link).status_code == 200
    for again in (Client().post(link), Client().get(link)):
        assert again.status_code == 409
        assert "already confirmed" in again.content.decode()
    assert CaseEvent.objects.filter(case=spoofed, kind="sender_verified").count() == 1


def test_a_confirmation_link_expires_after_the_configured_hours(
    premier_northwind: Customer, northwind_user: User, smtp_server: Mailbox, settings: Any
) -> None:
    days_ago = timezone.now() - timedelta(hours=settings.SENDER_CONFIRMATION_HOURS + 1)
    old = case_open_contact_form(
        draft=CaseDraft(
            subject="Old message",
            description=DESCRIPTION,
            severity=3,
            requester_email=northwind_user.email,
        ),
        at=days_ago,
    )
    expired = Client().post(confirmation_link(smtp_server, northwind_user.email))
    assert expired.status_code == 410 and "has expired" in expired.content.decode()
    assert not Case.objects.get(pk=old.pk).is_verified


def test_a_triage_agent_verifies_the_sender_and_nobody_else_may(
    premier_northwind: Customer, northwind_user: User, triage_agent: User, support_agent: User
) -> None:
    spoofed = send(SPOOF)
    url = f"/console/cases/{spoofed.number}/verify-sender/"
    page = signed_in(triage_agent).get(f"/console/cases/{spoofed.number}/").content.decode()
    assert "Verify sender" in page and "user@northwind.example" in page

    assert Client().post(url).status_code == 302  # to sign in
    assert signed_in(northwind_user).post(url).status_code == 404
    refused = signed_in(support_agent).post(url)
    assert refused.status_code == 400 and "Only triage agents" in refused.content.decode()
    assert not Case.objects.get(pk=spoofed.pk).is_verified

    assert signed_in(triage_agent).post(url).status_code == 302
    case = Case.objects.get(pk=spoofed.pk)
    assert case.is_verified and case.requester == northwind_user
    assert case.routing_priority == 10
    assert CaseEvent.objects.get(case=case, kind="sender_verified").actor == triage_agent
    assert case.number in portal_numbers(northwind_user)
    again = signed_in(triage_agent).post(url)
    assert again.status_code == 400 and "already verified" in again.content.decode()


def test_an_unknown_sender_is_told_the_case_number_and_never_sent_to_the_portal(
    catalog: None, support_agent: User, smtp_server: Mailbox
) -> None:
    case = send(STRANGER)
    comment_add(case=case, author=support_agent, body="Which hub is it?")
    deliver_due()
    receipt, reply = smtp_server.to("sam@elsewhere.example")
    body = Mailbox.body(receipt)
    assert case.number in body and "reply to you by e-mail" in body
    assert "TEXT-CHOSEN-BY-THE-SENDER" not in body and "/help/confirm/" not in body
    for mail in (receipt, reply):
        assert "/portal/" not in Mailbox.body(mail)


def test_the_help_page_shows_only_a_case_number_it_signed_itself(catalog: None) -> None:
    for sent in ("<script>alert(1)</script>", "CS-999999", "1", "IkNTLTk5OSI:1xYF:forged"):
        page = Client().get("/help/", {"sent": sent}).content.decode()
        assert "Thank you" not in page
        assert "alert(1)" not in page and "CS-999" not in page and "forged" not in page

    response = Client().post("/help/", STRANGER)
    page = Client().get(response["Location"]).content.decode()
    assert f"as case <strong>{Case.objects.get().number}</strong>" in page
    # The honeypot's answer reads as usual, with no number (the bot's message is not kept).
    response = Client().post("/help/", {**STRANGER, "website": "http://spam.example"})
    page = Client().get(response["Location"]).content.decode()
    assert "Thank you: your message is sent." in page
    assert Case.objects.count() == 1
