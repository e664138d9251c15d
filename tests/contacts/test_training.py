"""Training completions: recorded one by one or imported from CSV by vendor admins (all or
nothing, every bad line listed), before a user can be designated."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from successdesk.accounts.models import AuditEntry, Customer, User
from successdesk.contacts.models import (
    TrainingCompletion,
    TrainingCourse,
)
from tests.conftest import signed_in
from tests.rostering import ROSTER, person, subscribe, text


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
