from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from successdesk.accounts.models import AuditEntry, Customer, User
from successdesk.accounts.services import token_create
from successdesk.contacts.models import DesignatedContact, DesignatedContactFee
from successdesk.notifications.delivery import deliver_due
from tests.conftest import Mailbox, bearer
from tests.rostering import designate, person, subscribe, trained

URL = "/api/v1/designated-contacts"


class Api:
    def __init__(self, user: User) -> None:
        self.client = Client()
        self.headers = bearer(token_create(email=user.email))

    def get(self, path: str = URL) -> Any:
        return self.client.get(path, headers=self.headers)

    def post(self, body: object, path: str = URL) -> Any:
        return self.client.post(path, body, content_type="application/json", headers=self.headers)

    def delete(self, pk: int) -> Any:
        return self.client.delete(f"{URL}/{pk}", headers=self.headers)


@pytest.fixture
def dc(northwind: Customer) -> User:
    subscribe(northwind)
    contact = trained(northwind, "dc@northwind.example", "Nadia Designated")
    designate(northwind, contact)
    return contact


@pytest.fixture
def api(dc: User) -> Api:
    return Api(dc)


def active_emails(customer: Customer) -> list[str]:
    return list(
        DesignatedContact.objects.filter(customer=customer, removed_at__isnull=True)
        .order_by("since")
        .values_list("user__email", flat=True)
    )


def test_every_user_of_the_customer_sees_the_roster(dc: User, northwind: Customer) -> None:
    body = Api(person(northwind, "someone@northwind.example")).get().json()
    assert [c["user"]["email"] for c in body["items"]] == ["dc@northwind.example"]
    assert body["included"] == 5 and body["next_is_billed"] is False


def test_a_designated_contact_names_a_trained_colleague(api: Api, northwind: Customer) -> None:
    trained(northwind, "second@northwind.example")
    response = api.post({"email": "Second@Northwind.example"})
    assert response.status_code == 201
    assert response.json()["designated_by"] == "dc@northwind.example"
    assert response.json()["fee"] is None
    assert active_emails(northwind) == ["dc@northwind.example", "second@northwind.example"]
    assert AuditEntry.objects.filter(action="designated_contact.add", customer=northwind).exists()


def test_naming_an_already_designated_user_answers_200_with_the_same_record(
    api: Api, northwind: Customer
) -> None:
    colleague = trained(northwind, "second@northwind.example")
    first = api.post({"user_id": colleague.pk})
    again = api.post({"user_id": colleague.pk})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert DesignatedContact.objects.filter(user=colleague).count() == 1


def test_the_sixth_contact_needs_the_fee_confirmed_and_is_billed_with_its_currency(
    api: Api, northwind: Customer
) -> None:
    for n in range(2, 6):
        assert (
            api.post({"email": trained(northwind, f"c{n}@northwind.example").email}).json()["fee"]
            is None
        )
    sixth = trained(northwind, "c6@northwind.example").email
    refused = api.post({"email": sixth})
    assert refused.status_code == 409
    assert refused["Content-Type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["code"] == "fee_confirmation_required"
    assert (problem["amount"], problem["currency"], problem["position"]) == ("500.00", "USD", 6)
    assert not DesignatedContactFee.objects.exists()
    assert sixth not in active_emails(northwind)

    response = api.post({"email": sixth, "confirm_fee": True})
    assert response.status_code == 201
    fee = response.json()["fee"]
    assert (fee["position"], fee["amount"], fee["currency"]) == (6, "500.00", "USD")
    assert DesignatedContactFee.objects.get().user.email == sixth
    roster = api.get().json()
    assert roster["next_is_billed"] is True and roster["currency"] == "USD"


def test_a_contact_removed_and_named_again_through_the_api_is_billed_once(
    api: Api, northwind: Customer
) -> None:
    for n in range(2, 6):
        api.post({"email": trained(northwind, f"c{n}@northwind.example").email})
    sixth = trained(northwind, "c6@northwind.example").email
    first = api.post({"email": sixth, "confirm_fee": True}).json()
    assert api.delete(first["id"]).status_code in (200, 204)
    again = api.post({"email": sixth})
    assert again.status_code == 201
    assert again.json()["fee"]["id"] == first["fee"]["id"]
    assert DesignatedContactFee.objects.count() == 1


def test_an_untrained_user_is_refused_with_the_missing_courses(
    api: Api, northwind: Customer
) -> None:
    newbie = person(northwind, "newbie@northwind.example")
    response = api.post({"user_id": newbie.pk})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "training_incomplete"
    assert body["missing"] == ["Basic online training", "Program administration"]
    assert "Basic online training" in body["detail"]
    assert active_emails(northwind) == ["dc@northwind.example"]


def test_a_user_of_another_customer_is_not_found(api: Api, contoso: Customer) -> None:
    subscribe(contoso, "standard")
    stranger = trained(contoso, "it@contoso.example")
    for body in ({"user_id": stranger.pk}, {"email": stranger.email}):
        response = api.post(body)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not DesignatedContact.objects.filter(user=stranger).exists()


def test_a_colleague_who_is_not_a_designated_contact_cannot_change_the_roster(
    dc: User, northwind: Customer
) -> None:
    colleague = trained(northwind, "colleague@northwind.example")
    response = Api(colleague).post({"user_id": colleague.pk})
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "roster_change_not_allowed"
    assert "dc@northwind.example" in body["detail"]
    assert active_emails(northwind) == ["dc@northwind.example"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"user_id": 1, "email": "dc@northwind.example"},
        {"user_id": "1"},
        {"user_id": 0},
        {"email": ""},
        {"email": "x" * 300},
        {"email": "a@b.example", "role": "admin"},
        [],
    ],
)
def test_bad_input_to_name_a_contact_gets_a_422_and_writes_nothing(
    api: Api, northwind: Customer, body: object
) -> None:
    response = api.post(body)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "validation_error"
    assert active_emails(northwind) == ["dc@northwind.example"]


def test_the_last_contact_cannot_be_removed_but_another_can(
    api: Api, dc: User, northwind: Customer
) -> None:
    only = DesignatedContact.objects.get(user=dc)
    refused = api.delete(only.pk)
    assert refused.status_code == 409
    assert refused.json()["code"] == "last_designated_contact"
    assert active_emails(northwind) == ["dc@northwind.example"]

    second = api.post({"email": trained(northwind, "second@northwind.example").email}).json()
    assert api.delete(second["id"]).status_code == 204
    assert api.delete(second["id"]).status_code == 204  # already removed: nothing changes
    assert active_emails(northwind) == ["dc@northwind.example"]
    removed = DesignatedContact.objects.get(pk=second["id"])
    assert removed.removed_by == dc and removed.removed_at is not None


def test_removing_another_customers_designation_is_a_404(api: Api, contoso: Customer) -> None:
    subscribe(contoso, "standard")
    (theirs,) = designate(contoso, trained(contoso, "it@contoso.example"))
    response = api.delete(theirs.pk)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.removed_at is None


def test_a_transfer_is_one_step_and_the_vendor_is_told_by_mail(
    api: Api, dc: User, northwind: Customer, smtp_server: Mailbox, settings: Any
) -> None:
    successor = trained(northwind, "successor@northwind.example", "Sam Successor")
    old = DesignatedContact.objects.get(user=dc)
    response = api.post({"from_id": old.pk, "to_user_id": successor.pk}, f"{URL}/transfer")
    assert response.status_code == 201
    assert response.json()["replaces_id"] == old.pk
    assert active_emails(northwind) == ["successor@northwind.example"]

    deliver_due()
    (mail,) = smtp_server.to(settings.VENDOR_NOTIFY_EMAIL)
    assert "dc@northwind.example" in mail["Subject"]
    assert "successor@northwind.example" in mail["Subject"]
    assert "Northwind" in Mailbox.body(mail)
    entry = AuditEntry.objects.get(action="designated_contact.transfer")
    assert entry.actor == dc and entry.customer == northwind

    # The same transfer again is answered with the same designation, and no second mail.
    again = Api(successor).post({"from_id": old.pk, "to_user_id": successor.pk}, f"{URL}/transfer")
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
    deliver_due()
    assert len(smtp_server.to(settings.VENDOR_NOTIFY_EMAIL)) == 1


def test_a_transfer_to_an_untrained_user_changes_nothing(
    api: Api, dc: User, northwind: Customer
) -> None:
    newbie = person(northwind, "newbie@northwind.example")
    old = DesignatedContact.objects.get(user=dc)
    response = api.post({"from_id": old.pk, "to_user_id": newbie.pk}, f"{URL}/transfer")
    assert response.status_code == 422 and response.json()["code"] == "training_incomplete"
    assert active_emails(northwind) == ["dc@northwind.example"]


@pytest.mark.parametrize(
    "body",
    [{}, {"from_id": 1}, {"from_id": "1", "to_user_id": 2}, {"from_id": -1, "to_user_id": 2}],
)
def test_bad_transfer_input_gets_a_422(api: Api, northwind: Customer, body: object) -> None:
    response = api.post(body, f"{URL}/transfer")
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert active_emails(northwind) == ["dc@northwind.example"]


def test_staff_get_404_from_the_designated_contacts_api(support_agent: User) -> None:
    response = Api(support_agent).get()
    assert response.status_code == 404 and response.json()["code"] == "not_found"
