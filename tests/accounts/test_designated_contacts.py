"""Designated contacts through the portal and console pages: the roster rules, the fee
for a 6th contact and its CSV export, training (one by one and by CSV import)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from successdesk.accounts.models import (
    AuditEntry,
    Customer,
    DesignatedContact,
    DesignatedContactFee,
    TrainingCompletion,
    TrainingCourse,
    User,
)
from successdesk.notifications.delivery import deliver_due
from successdesk.ops.demo import roster as demo_roster
from tests.conftest import Mailbox, signed_in
from tests.rostering import designate, person, subscribe, train, trained

ROSTER = "/portal/account/contacts/"


@pytest.fixture
def dc(northwind: Customer) -> User:
    subscribe(northwind)
    contact = trained(northwind, "dc@northwind.example", "Nadia Designated")
    designate(northwind, contact)
    return contact


@pytest.fixture
def portal(dc: User) -> Client:
    return signed_in(dc)


def active(customer: Customer) -> list[str]:
    return list(
        DesignatedContact.objects.filter(customer=customer, removed_at__isnull=True)
        .order_by("since", "pk")
        .values_list("user__email", flat=True)
    )


def text(response: Any) -> str:
    return str(response.content.decode())


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


# --- Console --------------------------------------------------------------------------------


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


def test_admins_record_one_completion_and_a_future_date_is_refused(
    admin_user: User, northwind: Customer
) -> None:
    subscribe(northwind)
    user = person(northwind, "learner@northwind.example")
    course = TrainingCourse.objects.get(slug="basic-online-training")
    url = f"/console/customers/{northwind.pk}/training/"
    client = signed_in(admin_user)
    future = client.post(url, {"user": user.pk, "course": course.pk, "completed_on": "2999-01-01"})
    assert future.status_code == 422 and "is in the future" in text(future)
    bad = client.post(url, {"user": user.pk, "course": course.pk, "completed_on": "01/02/2026"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in text(bad)
    assert not TrainingCompletion.objects.exists()

    ok = client.post(url, {"user": user.pk, "course": course.pk, "completed_on": "2026-02-03"})
    assert ok.status_code == 302
    assert str(TrainingCompletion.objects.get(user=user).completed_on) == "2026-02-03"


# --- Training import ------------------------------------------------------------------------


def upload(client: Client, content: bytes) -> Any:
    file = SimpleUploadedFile("training.csv", content, content_type="text/csv")
    return client.post("/console/training/import/", {"file": file})


def test_a_training_import_with_bad_rows_imports_nothing_and_lists_every_bad_line(
    admin_user: User, northwind: Customer, contoso: Customer
) -> None:
    subscribe(northwind)
    person(northwind, "a@northwind.example")
    person(northwind, "b@northwind.example")
    content = (
        b"email,course,completed_on\n"
        b"a@northwind.example,basic-online-training,2026-01-10\n"
        b"nobody@northwind.example,basic-online-training,2026-01-10\n"
        b"b@northwind.example,no-such-course,2026-01-10\n"
        b"b@northwind.example,basic-online-training,10/01/2026\n"
        b"a@northwind.example,basic-online-training,2026-01-11\n"
        b"admin@vendor.example,basic-online-training,2026-01-10\n"
    )
    response = upload(signed_in(admin_user), content)
    assert response.status_code == 422
    page = text(response)
    assert "Nothing was imported: 5 rows" in page
    for line, message in (
        (3, "no active customer user has the e-mail nobody@northwind.example"),
        (4, "no course has the slug &#x27;no-such-course&#x27;"),
        (5, "completed_on &#x27;10/01/2026&#x27; is not a date written YYYY-MM-DD"),
        (6, "the same e-mail and course as line 2"),
        (7, "no active customer user has the e-mail admin@vendor.example"),
    ):
        assert f"<td>{line}</td><td>{message}" in page, line
    assert "<td>2</td>" not in page
    assert not TrainingCompletion.objects.exists()


def test_a_training_import_lists_every_problem_of_every_line_with_its_line_number(
    admin_user: User, northwind: Customer
) -> None:
    subscribe(northwind)
    person(northwind, "a@northwind.example")
    content = (
        b"email,course,completed_on\n"
        b"nobody@northwind.example,no-such-course,10/01/2026\n"
        b",,\n"
        b"a@northwind.example,basic-online-training,2026-01-10,extra\n"
        b"a@northwind.example,basic-online-training,2999-01-01\n"
    )
    response = upload(signed_in(admin_user), content)
    assert response.status_code == 422
    page = text(response)
    assert "Nothing was imported: 3 rows" in page
    for line, message in (
        (2, "no active customer user has the e-mail nobody@northwind.example"),
        (2, "no course has the slug &#x27;no-such-course&#x27;"),
        (2, "completed_on &#x27;10/01/2026&#x27; is not a date written YYYY-MM-DD"),
        (4, "the line has 4 values but the header names 3 columns"),
        (5, "completed_on 2999-01-01 is in the future"),
        (5, "the same e-mail and course as line 4"),
    ):
        assert f"<td>{line}</td><td>{message}" in page, (line, message)
    assert "<td>3</td>" not in page  # an empty line is skipped, not an error
    assert not TrainingCompletion.objects.exists()


def test_a_good_training_import_records_every_row_and_the_user_can_then_be_designated(
    admin_user: User, dc: User, northwind: Customer
) -> None:
    person(northwind, "Learner@Northwind.example")
    content = (
        "\ufeffEmail,Course,Completed_On\r\n"
        "learner@northwind.example,basic-online-training,2026-01-10\r\n"
        "LEARNER@northwind.example,program-administration,2026-01-12\r\n"
        "\r\n"
    ).encode()
    response = upload(signed_in(admin_user), content)
    assert response.status_code == 302
    assert TrainingCompletion.objects.filter(user__email="learner@northwind.example").count() == 2
    entry = AuditEntry.objects.get(action="training.import")
    assert entry.actor == admin_user and len(entry.details["rows"]) == 2
    added = signed_in(dc).post(f"{ROSTER}add/", {"email": "learner@northwind.example"})
    assert added.status_code == 302


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (b"", 400, "The file is empty"),
        (b"email,course\nx@y.example,basic-online-training\n", 422, "missing: completed_on"),
        (b"email,course,completed_on\n", 422, "the file has no rows under its header"),
        ("email,course,completed_on\n\xe9,x,y\n".encode("latin-1"), 400, "not UTF-8"),
    ],
)
def test_an_unreadable_training_file_gets_a_clear_message(
    admin_user: User, content: bytes, status: int, message: str
) -> None:
    response = upload(signed_in(admin_user), content)
    assert response.status_code == status
    assert message in text(response)
    assert not TrainingCompletion.objects.exists()


def test_a_training_import_without_a_file_is_refused(admin_user: User) -> None:
    response = signed_in(admin_user).post("/console/training/import/", {})
    assert response.status_code == 400 and "Choose a CSV file" in text(response)


def test_only_vendor_admins_import_training(support_agent: User, northwind: Customer) -> None:
    subscribe(northwind)
    person(northwind, "a@northwind.example")
    content = b"email,course,completed_on\na@northwind.example,basic-online-training,2026-01-10\n"
    response = upload(signed_in(support_agent), content)
    assert response.status_code == 403
    assert "Only vendor admins record training" in text(response)
    assert not TrainingCompletion.objects.exists()


def test_admins_browse_rosters_fees_and_training_in_the_django_admin_read_only(
    admin_user: User, dc: User
) -> None:
    client = signed_in(admin_user)
    for model in ("designatedcontact", "designatedcontactfee", "trainingcompletion"):
        assert client.get(f"/admin/accounts/{model}/").status_code == 200, model
        assert client.get(f"/admin/accounts/{model}/add/").status_code == 403, model
    assert client.get("/admin/accounts/trainingcourse/add/").status_code == 200
    designation = DesignatedContact.objects.get(user=dc)
    page = client.get(f"/admin/accounts/designatedcontact/{designation.pk}/change/")
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
