"""The extra-contact fee: a 6th designated contact is allowed, billed once per person and
term after the fee is confirmed (portal and console), notified and exported."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from successdesk.accounts.models import Customer, User
from successdesk.contacts.models import (
    DesignatedContact,
    DesignatedContactFee,
)
from successdesk.notifications.delivery import deliver_due
from tests.conftest import Mailbox, signed_in
from tests.rostering import ROSTER, active, designate, text, trained


def test_the_sixth_contact_is_allowed_billed_after_confirmation_and_exported_with_its_currency(
    portal: Client, northwind: Customer, admin_user: User, smtp_server: Mailbox, settings: Any
) -> None:
    for n in range(2, 6):
        email = trained(northwind, f"c{n}@northwind.example").email
        assert portal.post(f"{ROSTER}add/", {"email": email}).status_code == 302
    assert not DesignatedContactFee.objects.exists()
    page = text(portal.get(ROSTER))
    assert "Naming another one (#6) is billed <strong>500.00 USD</strong>" in page

    sixth = trained(northwind, "c6@northwind.example", "Sixth Person")
    asked = portal.post(f"{ROSTER}add/", {"email": sixth.email})
    assert asked.status_code == 409
    assert "Confirm the fee" in text(asked) and "500.00 USD" in text(asked)
    assert len(active(northwind)) == 5 and not DesignatedContactFee.objects.exists()

    confirmed = {"email": sixth.email, "confirm_fee": "on"}
    response = portal.post(f"{ROSTER}add/", confirmed, follow=True)
    assert "designated contact #6; a fee of 500.00 USD is recorded" in text(response)
    assert len(active(northwind)) == 6
    fee = DesignatedContactFee.objects.get()
    assert (fee.user, fee.position, str(fee.amount), fee.currency) == (sixth, 6, "500.00", "USD")

    export = signed_in(admin_user).get("/console/fees.csv")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    assert "attachment" in export["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert rows == [
        {
            "customer": "Northwind",
            "user_email": "c6@northwind.example",
            "user_name": "Sixth Person",
            "position": "6",
            "amount": "500.00",
            "currency": "USD",
            "period_start": fee.period_start.isoformat(),
            "period_end": fee.period_end.isoformat(),
            "recorded_at": fee.created_at.isoformat(timespec="seconds"),
        }
    ]
    fees_page = text(signed_in(admin_user).get("/console/fees/"))
    assert "c6@northwind.example" in fees_page and "500.00 USD" in fees_page
    deliver_due()
    (notice,) = smtp_server.to(settings.VENDOR_NOTIFY_EMAIL)
    assert "6th designated contact" in notice["Subject"]
    assert "a fee of 500.00 USD is recorded" in notice.get_content()


def test_a_sixth_contact_named_removed_and_named_again_is_billed_and_notified_once(
    portal: Client, northwind: Customer, smtp_server: Mailbox, settings: Any
) -> None:
    for n in range(2, 6):
        portal.post(f"{ROSTER}add/", {"email": trained(northwind, f"c{n}@northwind.example").email})
    sixth = trained(northwind, "c6@northwind.example")
    confirmed = {"email": sixth.email, "confirm_fee": "on"}
    assert portal.post(f"{ROSTER}add/", confirmed).status_code == 302
    contact = DesignatedContact.objects.get(user=sixth, removed_at__isnull=True)
    assert portal.post(f"{ROSTER}{contact.pk}/remove/").status_code == 302
    assert sixth.email not in active(northwind)

    # Named again in the same term: no confirmation asked, no second fee, no second notice.
    again = portal.post(f"{ROSTER}add/", {"email": sixth.email}, follow=True)
    assert "nothing more is billed" in text(again)
    assert sixth.email in active(northwind)
    assert DesignatedContactFee.objects.filter(user=sixth).count() == 1
    deliver_due()
    assert len(smtp_server.to(settings.VENDOR_NOTIFY_EMAIL)) == 1


def test_the_database_keeps_one_fee_per_person_and_term(
    portal: Client, northwind: Customer
) -> None:
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    for n in range(2, 7):
        user = trained(northwind, f"c{n}@northwind.example")
        portal.post(f"{ROSTER}add/", {"email": user.email, "confirm_fee": "on"})
    fee = DesignatedContactFee.objects.get()
    DesignatedContact.objects.filter(pk=fee.designation_id).update(removed_at=timezone.now())
    again = DesignatedContact.objects.create(customer=fee.customer, user=fee.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        DesignatedContactFee.objects.create(
            customer=fee.customer,
            user=fee.user,
            designation=again,
            position=6,
            amount=fee.amount,
            period_start=fee.period_start,
            period_end=fee.period_end,
        )


def test_the_console_asks_to_confirm_a_billable_contact_before_naming_it(
    dc: User, northwind: Customer, admin_user: User
) -> None:
    designate(northwind, *(trained(northwind, f"c{n}@northwind.example") for n in range(2, 6)))
    sixth = trained(northwind, "c6@northwind.example")
    console = signed_in(admin_user)
    url = f"/console/customers/{northwind.pk}/contacts/add/"
    asked = console.post(url, {"email": sixth.email})
    assert asked.status_code == 409 and "500.00 USD" in text(asked)
    assert not DesignatedContactFee.objects.exists()
    assert sixth.email not in active(northwind)
    done = console.post(url, {"email": sixth.email, "confirm_fee": "on"}, follow=True)
    assert "fee 500.00 USD recorded" in text(done)
    assert DesignatedContactFee.objects.get().user == sixth
