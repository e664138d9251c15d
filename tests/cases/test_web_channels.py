from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from successdesk.accounts.models import Customer, User
from successdesk.cases.models import Attachment, Case, Comment
from tests.conftest import designate, signed_in

CASE = {
    "subject": "Referral links broken",
    "description": "Clicking a referral link gives a 404.",
    "severity": "2",
    "category": "bug",
    "steps_to_reproduce": "1. Open the hub\n2. Click Refer",
}


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def customer(premier_northwind: Customer, northwind_user: User, media_root: Any) -> Client:
    return signed_in(northwind_user)


def test_a_customer_opens_a_case_with_an_attachment_in_the_portal(customer: Client) -> None:
    log = SimpleUploadedFile("hub.log", b"ERROR 500 at /refer\n", content_type="text/plain")
    response = customer.post("/portal/cases/new/", {**CASE, "attachments": [log]})
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/portal/cases/{case.number}/"
    assert case.channel == "web" and case.source == "portal"
    assert case.steps_to_reproduce.startswith("1. Open the hub")
    page = customer.get(response["Location"]).content.decode()
    assert case.number in page and "hub.log" in page and "Resolution target" in page

    attachment = Attachment.objects.get()
    assert not attachment.file.name.endswith("hub.log")  # stored under a generated name
    download = customer.get(f"/portal/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="hub.log"')
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == b"ERROR 500 at /refer\n"


def test_severity_1_in_the_portal_is_refused_with_the_phone_number(customer: Client) -> None:
    response = customer.post("/portal/cases/new/", {**CASE, "severity": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "must be phoned in" in page and "1-888-689-0758 x115" in page
    assert "the line is" in page
    assert Case.objects.count() == 0


def test_the_new_case_form_says_support_is_in_english(customer: Client) -> None:
    assert "Support is available in English" in customer.get("/portal/cases/new/").content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("huge.log", b"x" * (1024 * 1024 + 1), "larger than"),
        ("tool.exe", b"MZ...", "not accepted"),
        ("fake.png", b"this is not a png", "does not look like"),
        ("notes.txt", "Café au lait\n".encode("latin-1"), "not a text file in UTF-8"),
        ("late.log", b"ok\n" * 2000 + "Zoé\n".encode("latin-1"), "position 6002 is not UTF-8"),
        ("cut.log", "ok é".encode()[:-1], "position 3 is not UTF-8"),
    ],
)
def test_a_bad_attachment_gets_a_form_message_and_nothing_is_written(
    customer: Client, settings: Any, name: str, content: bytes, message: str
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile(name, content)
    response = customer.post("/portal/cases/new/", {**CASE, "attachments": [upload]})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Case.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_every_bad_attachment_is_named_with_its_reason_in_one_message(
    customer: Client, settings: Any
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    files = [
        SimpleUploadedFile("good.log", b"fine\n"),
        SimpleUploadedFile("huge.log", b"x" * (1024 * 1024 + 1)),
        SimpleUploadedFile("tool.exe", b"MZ..."),
        SimpleUploadedFile("notes.txt", "Café\n".encode("cp1252")),
    ]
    response = customer.post("/portal/cases/new/", {**CASE, "attachments": files})
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 of the 4 files were refused and nothing was saved" in page
    assert "huge.log is larger than 1 MB" in page
    assert "tool.exe: files of type .exe are not accepted" in page
    assert "notes.txt is not a text file in UTF-8" in page
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0


def test_a_utf_8_character_across_the_read_boundary_is_accepted(customer: Client) -> None:
    text = "a" * (64 * 1024 - 1) + "é\n"  # "é" straddles the first 64 KiB chunk's end
    log = SimpleUploadedFile("long.log", text.encode())
    response = customer.post("/portal/cases/new/", {**CASE, "attachments": [log]})
    assert response.status_code == 302 and Attachment.objects.count() == 1


@pytest.mark.parametrize(
    "missing", [{"subject": ""}, {"description": ""}, {"severity": "9"}, {"subject": "x" * 300}]
)
def test_bad_case_fields_get_form_messages(customer: Client, missing: dict[str, str]) -> None:
    response = customer.post("/portal/cases/new/", {**CASE, **missing})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_customer_user_sees_their_own_cases_and_a_designated_contact_sees_all(
    premier_northwind: Customer, northwind_user: User, media_root: Any
) -> None:
    from successdesk.accounts.services import user_ensure

    colleague = user_ensure(
        email="colleague@northwind.example", password="x" * 20, customer=premier_northwind
    )
    signed_in(colleague).post("/portal/cases/new/", {**CASE, "subject": "Colleague's case"})
    mine = signed_in(northwind_user).get("/portal/cases/").content.decode()
    assert "Colleague&#x27;s case" not in mine
    designate(northwind_user)
    everything = signed_in(northwind_user).get("/portal/cases/").content.decode()
    assert "Colleague&#x27;s case" in everything


def test_customers_reply_and_never_see_internal_notes(
    customer: Client, support_agent: User
) -> None:
    customer.post("/portal/cases/new/", CASE)
    case = Case.objects.get()
    staff = signed_in(support_agent)
    staff.post(f"/console/cases/{case.number}/", {"body": "SECRET internal", "internal": "on"})
    staff.post(f"/console/cases/{case.number}/", {"body": "Public answer"})
    page = customer.get(f"/portal/cases/{case.number}/").content.decode()
    assert "Public answer" in page and "SECRET internal" not in page
    customer.post(f"/portal/cases/{case.number}/", {"body": "Thanks, that helped"})
    assert Comment.objects.filter(case=case, by_staff=False).count() == 1
    assert customer.post(f"/portal/cases/{case.number}/", {"body": "  "}).status_code == 200


def test_the_public_send_a_message_form_keeps_a_known_senders_case_unverified(
    premier_northwind: Customer, northwind_user: User
) -> None:
    page = Client().get("/help/").content.decode()
    assert "Send a Message" in page and 'name="website"' in page
    response = Client().post(
        "/help/",
        {
            "name": "Noah",
            "email": "USER@northwind.example",
            "customer_name": "Northwind",
            "subject": "Cannot export report",
            "description": "Export button spins forever.",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.source == "contact_form" and not case.is_verified
    assert case.customer is None and case.requester is None
    assert case.sender_match == northwind_user  # verified by the mailed link (or triage)


def test_an_unknown_sender_is_kept_as_unverified_for_triage(catalog: None) -> None:
    Client().post(
        "/help/",
        {
            "name": "Stranger",
            "email": "someone@elsewhere.example",
            "customer_name": "Acme",
            "subject": "Help",
            "description": "Please call me.",
        },
    )
    case = Case.objects.get()
    assert case.customer is None and not case.is_verified
    assert case.stated_customer_name == "Acme"
    assert case.sla_clocks == {}


def test_the_honeypot_keeps_nothing(catalog: None) -> None:
    response = Client().post(
        "/help/",
        {
            "name": "Bot",
            "email": "bot@spam.example",
            "customer_name": "Spam",
            "subject": "Buy",
            "description": "Buy now",
            "website": "http://spam.example",
        },
    )
    assert response.status_code == 302
    assert Case.objects.count() == 0


def test_the_send_a_message_form_is_rate_limited(catalog: None, settings: Any) -> None:
    settings.CONTACT_FORM_RATE = "2/10m"
    data = {
        "name": "A",
        "email": "a@elsewhere.example",
        "customer_name": "A",
        "subject": "S",
        "description": "D",
    }
    assert [Client().post("/help/", data).status_code for _ in range(3)] == [302, 302, 429]
    assert Case.objects.count() == 2


def test_bad_send_a_message_input_gets_form_messages(catalog: None) -> None:
    response = Client().post("/help/", {"email": "not-an-email"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_triage_agent_logs_a_severity_1_phone_call(
    premier_northwind: Customer, triage_agent: User, northwind_user: User
) -> None:
    staff = signed_in(triage_agent)
    page = staff.get("/console/phone/").content.decode()
    assert "The phone line is" in page
    response = staff.post(
        "/console/phone/",
        {
            "customer": premier_northwind.pk,
            "caller_name": "Noah User",
            "caller_email": "user@northwind.example",
            "callback_number": "+1 416 555 0100",
            "subject": "Hub is down",
            "description": "Nobody can sign in to the hub.",
            "severity": "1",
            "notes": "Caller is on a deadline",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == "phone" and case.severity == 1
    assert case.requester == northwind_user and case.requester_phone == "+1 416 555 0100"
    assert Comment.objects.get(case=case).is_internal


def test_customers_cannot_reach_the_phone_intake(northwind_user: User, catalog: None) -> None:
    assert signed_in(northwind_user).get("/console/phone/").status_code == 404


def test_phone_intake_without_a_customer_gets_a_form_message(
    catalog: None, triage_agent: User
) -> None:
    response = signed_in(triage_agent).post(
        "/console/phone/",
        {
            "caller_name": "X",
            "callback_number": "1",
            "subject": "S",
            "description": "D",
            "severity": "2",
        },
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Case.objects.count() == 0
