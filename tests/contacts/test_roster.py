"""The roster of designated contacts through the portal and console pages: who may name,
remove and transfer them, the refusals, the pages' queries, the Django admin and the demo
roster."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from successdesk.accounts.models import AuditEntry, Customer, User
from successdesk.contacts.models import (
    DesignatedContact,
    TrainingCompletion,
    TrainingCourse,
)
from successdesk.notifications.delivery import deliver_due
from successdesk.ops.demo import roster as demo_roster
from tests.conftest import Mailbox, signed_in
from tests.rostering import ROSTER, active, designate, person, subscribe, text, train, trained


def test_an_untrained_colleague_is_refused_with_the_courses_still_missing(
    portal: Client, northwind: Customer
) -> None:
    colleague = person(northwind, "new@northwind.example")
    train(colleague, TrainingCourse.objects.get(slug="basic-online-training"))
    response = portal.post(f"{ROSTER}add/", {"email": colleague.email})
    assert response.status_code == 422
    page = text(response)
    assert "must first complete: Program administration." in page
    assert "Basic online training." not in page
    assert active(northwind) == ["dc@northwind.example"]

    train(colleague, TrainingCourse.objects.get(slug="program-administration"))
    # The optional supplemental courses are not required.
    assert portal.post(f"{ROSTER}add/", {"email": colleague.email}).status_code == 302
    assert active(northwind) == ["dc@northwind.example", "new@northwind.example"]


def test_the_last_designated_contact_cannot_be_removed(
    portal: Client, dc: User, northwind: Customer
) -> None:
    only = DesignatedContact.objects.get(user=dc)
    response = portal.post(f"{ROSTER}{only.pk}/remove/")
    assert response.status_code == 409
    assert "Name another designated contact first" in text(response)
    assert active(northwind) == ["dc@northwind.example"]
    assert not AuditEntry.objects.filter(action="designated_contact.remove").exists()


def test_a_transfer_is_one_step_notifies_the_vendor_and_shows_in_the_staff_audit_trail(
    portal: Client,
    dc: User,
    northwind: Customer,
    admin_user: User,
    smtp_server: Mailbox,
    settings: Any,
) -> None:
    successor = trained(northwind, "successor@northwind.example", "Sam Successor")
    old = DesignatedContact.objects.get(user=dc)
    response = portal.post(f"{ROSTER}transfer/", {"contact": old.pk, "to_user": successor.pk})
    assert response.status_code == 302
    assert active(northwind) == ["successor@northwind.example"]
    old.refresh_from_db()
    new = DesignatedContact.objects.get(user=successor, removed_at__isnull=True)
    assert old.removed_at == new.since and new.replaces == old

    deliver_due()
    (mail,) = smtp_server.to(settings.VENDOR_NOTIFY_EMAIL)
    body = Mailbox.body(mail)
    assert "dc@northwind.example" in body and "successor@northwind.example" in body
    assert f"/console/customers/{northwind.pk}/" in body

    page = text(signed_in(admin_user).get(f"/console/customers/{northwind.pk}/"))
    assert "Designated contact transferred" in page
    assert "dc@northwind.example → successor@northwind.example" in page


def test_a_colleague_who_is_not_designated_sees_the_roster_but_cannot_change_it(
    dc: User, northwind: Customer
) -> None:
    colleague = trained(northwind, "colleague@northwind.example")
    client = signed_in(colleague)
    page = text(client.get(ROSTER))
    assert "dc@northwind.example" in page and "Name a designated contact" not in page
    response = client.post(f"{ROSTER}add/", {"email": colleague.email})
    assert response.status_code == 403
    assert "Ask one of them (dc@northwind.example)" in text(response)
    assert active(northwind) == ["dc@northwind.example"]


def test_another_customers_designation_is_a_404_on_every_portal_action(
    portal: Client, contoso: Customer
) -> None:
    subscribe(contoso, "standard")
    theirs, _ = designate(
        contoso, trained(contoso, "a@contoso.example"), trained(contoso, "b@contoso.example")
    )
    assert portal.post(f"{ROSTER}{theirs.pk}/remove/").status_code == 404
    mine = trained(contoso, "c@contoso.example")
    transfer = portal.post(f"{ROSTER}transfer/", {"contact": theirs.pk, "to_user": mine.pk})
    assert transfer.status_code == 400  # not among the choices: nothing of Contoso is shown
    assert "c@contoso.example" not in text(transfer)
    stranger = portal.post(f"{ROSTER}add/", {"email": "a@contoso.example"})
    assert stranger.status_code == 404
    assert active(contoso) == ["a@contoso.example", "b@contoso.example"]


@pytest.mark.parametrize(
    ("path", "data", "status", "message"),
    [
        ("add/", {}, 400, "Give the e-mail address"),
        ("add/", {"email": "not-an-address"}, 400, "Write an e-mail address"),
        ("add/", {"email": "ghost@northwind.example"}, 404, "no active user with the e-mail"),
        ("transfer/", {"contact": "{pk}"}, 400, "Choose the colleague who takes over"),
        ("transfer/", {"to_user": "{me}"}, 400, "Choose the designated contact whose"),
        ("transfer/", {"contact": "{pk}", "to_user": "999999"}, 400, "Choose a colleague from"),
        ("transfer/", {"contact": "{pk}", "to_user": "abc"}, 400, "Choose a colleague from"),
        ("transfer/", {"contact": "{pk}", "to_user": "{me}"}, 400, "Choose a colleague from"),
        ("transfer/", {"contact": "{pk}", "to_user": "{newbie}"}, 422, "must first complete"),
    ],
)
def test_bad_roster_input_gets_a_form_message_and_writes_nothing(
    portal: Client,
    dc: User,
    northwind: Customer,
    path: str,
    data: dict[str, str],
    status: int,
    message: str,
) -> None:
    ids = {
        "pk": DesignatedContact.objects.get(user=dc).pk,
        "me": dc.pk,
        "newbie": person(northwind, "newbie@northwind.example").pk,
    }
    data = {key: value.format(**ids) for key, value in data.items()}
    response = portal.post(ROSTER + path, data)
    assert response.status_code == status
    assert message in text(response)
    assert active(northwind) == ["dc@northwind.example"]
    assert AuditEntry.objects.filter(action__startswith="designated_contact.").count() == 1


def test_staff_get_404_from_the_portal_roster(support_agent: User) -> None:
    assert signed_in(support_agent).get(ROSTER).status_code == 404


# --- Console, Django admin, demo --------------------------------------------------------------


def test_vendor_admins_change_a_roster_from_the_console_and_other_staff_cannot(
    dc: User, northwind: Customer, admin_user: User, support_agent: User
) -> None:
    trained(northwind, "second@northwind.example")
    url = f"/console/customers/{northwind.pk}/contacts/add/"
    refused = signed_in(support_agent).post(url, {"email": "second@northwind.example"})
    assert refused.status_code == 403
    assert "vendor admins" in text(refused)
    assert active(northwind) == ["dc@northwind.example"]

    assert signed_in(admin_user).post(url, {"email": "second@northwind.example"}).status_code == 302
    assert active(northwind) == ["dc@northwind.example", "second@northwind.example"]
    entry = AuditEntry.objects.get(
        action="designated_contact.add", target="second@northwind.example"
    )
    assert entry.actor == admin_user and entry.customer == northwind


def test_customers_get_404_from_every_console_customer_page(dc: User, northwind: Customer) -> None:
    client = signed_in(dc)
    for url in (
        "/console/customers/",
        f"/console/customers/{northwind.pk}/",
        "/console/fees/",
        "/console/fees.csv",
        "/console/training/import/",
    ):
        assert client.get(url).status_code == 404, url


def test_the_customer_pages_do_not_query_once_per_customer_or_contact(
    admin_user: User, dc: User, northwind: Customer
) -> None:
    client = signed_in(admin_user)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    page = f"/console/customers/{northwind.pk}/"
    few = (queries("/console/customers/"), queries(page), queries("/console/fees/"))
    for n in range(4):
        customer = Customer.objects.create(name=f"Extra {n}", slug=f"extra-{n}")
        subscribe(customer)
        designate(customer, trained(customer, f"dc@extra{n}.example"))
        designate(northwind, trained(northwind, f"more{n}@northwind.example"))
    designate(northwind, trained(northwind, "sixth@northwind.example"))
    many = (queries("/console/customers/"), queries(page), queries("/console/fees/"))
    assert many == few


def test_admins_browse_rosters_fees_and_training_in_the_django_admin_read_only(
    admin_user: User, dc: User
) -> None:
    client = signed_in(admin_user)
    for model in ("designatedcontact", "designatedcontactfee", "trainingcompletion"):
        assert client.get(f"/admin/contacts/{model}/").status_code == 200, model
        assert client.get(f"/admin/contacts/{model}/add/").status_code == 403, model
    assert client.get("/admin/contacts/trainingcourse/add/").status_code == 200
    designation = DesignatedContact.objects.get(user=dc)
    page = client.get(f"/admin/contacts/designatedcontact/{designation.pk}/change/")
    assert page.status_code == 200 and 'name="removed_at"' not in page.content.decode()


def test_the_demo_roster_trains_and_names_the_demo_contacts_and_can_run_again(
    northwind: Customer, contoso: Customer, contoso_user: User
) -> None:
    subscribe(northwind)
    subscribe(contoso, "standard")
    person(northwind, "dc@northwind.example")
    demo_roster.load()
    demo_roster.load()
    assert active(northwind) == ["dc@northwind.example"]
    assert active(contoso) == ["dc@contoso.example"]
    assert DesignatedContact.objects.count() == 2
    required = {"basic-online-training", "program-administration"}
    for email in ("dc@northwind.example", "dc@contoso.example"):
        done = TrainingCompletion.objects.filter(user__email=email)
        assert set(done.values_list("course__slug", flat=True)) == required
