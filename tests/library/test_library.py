"""The campaign content library: browse, search and download with the IP notice, logged;
nothing of it for a customer whose package does not include it."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from successdesk.accounts.models import Customer, User
from successdesk.library.models import ContentDownload, ContentItem
from tests.conftest import signed_in

NOTICE = "retains ownership of all intellectual property rights"


@pytest.fixture
def items(db: None, media_root: Any) -> list[ContentItem]:
    welcome = ContentItem.objects.create(
        slug="welcome-email",
        title="Welcome e-mail for new advocates",
        kind="email_template",
        summary="A warm first e-mail.",
        body="Hi {first_name}, welcome to the hub!",
        tags="onboarding, email",
        version=3,
    )
    survey = ContentItem(
        slug="nps-survey", title="NPS survey", kind="survey", tags="feedback", version=1
    )
    survey.file.save("nps.pdf", ContentFile(b"%PDF-1.4 survey"), save=False)
    survey.file_name, survey.file_type = "nps.pdf", "application/pdf"
    survey.save()
    ContentItem.objects.create(
        slug="draft", title="Unpublished draft", kind="challenge", is_published=False
    )
    return [welcome, survey]


@pytest.fixture
def entitled(premier_northwind: Customer, northwind_user: User) -> Client:
    return signed_in(northwind_user)


def test_an_entitled_customer_browses_and_searches_with_the_notice_on_every_page(
    entitled: Client, items: list[ContentItem]
) -> None:
    page = entitled.get("/portal/library/").content.decode()
    assert "Welcome e-mail for new advocates" in page and "NPS survey" in page
    assert "Unpublished draft" not in page
    assert NOTICE in page
    found = entitled.get("/portal/library/", {"q": "welcome hub"}).content.decode()
    assert "Welcome e-mail" in found and "NPS survey" not in found
    by_kind = entitled.get("/portal/library/", {"kind": "survey"}).content.decode()
    assert "NPS survey" in by_kind and "Welcome e-mail" not in by_kind
    by_tag = entitled.get("/portal/library/", {"tag": "feedback"}).content.decode()
    assert "NPS survey" in by_tag and "Welcome e-mail" not in by_tag
    item = entitled.get("/portal/library/welcome-email/").content.decode()
    assert "welcome to the hub" in item and NOTICE in item and "version 3" in item
    assert entitled.get("/portal/library/draft/").status_code == 404


def test_a_download_carries_the_notice_and_is_logged(
    entitled: Client, items: list[ContentItem], northwind_user: User
) -> None:
    text = entitled.get("/portal/library/welcome-email/download/")
    assert text.status_code == 200
    assert text["Content-Disposition"].startswith("attachment;")
    body = b"".join(text.streaming_content).decode()
    assert body.index(NOTICE) < body.index("welcome to the hub")
    assert NOTICE in text["X-Content-Notice"]

    packed = entitled.get("/portal/library/nps-survey/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(packed.streaming_content)))
    assert sorted(archive.namelist()) == ["NOTICE.txt", "nps.pdf"]
    assert NOTICE in archive.read("NOTICE.txt").decode()
    assert archive.read("nps.pdf") == b"%PDF-1.4 survey"

    logged = list(ContentDownload.objects.order_by("at", "id").values_list("item__slug", "version"))
    assert logged == [("welcome-email", 3), ("nps-survey", 1)]
    mine = ContentDownload.objects.filter(user=northwind_user, customer__name="Northwind")
    assert mine.count() == 2


@pytest.mark.parametrize(
    "path",
    [
        "/portal/library/",
        "/portal/library/?q=welcome",
        "/portal/library/welcome-email/",
        "/portal/library/welcome-email/download/",
        "/portal/library/nps-survey/download/",
    ],
)
def test_a_customer_without_the_library_gets_nothing_of_it_and_the_package_names(
    standard_contoso: Customer, contoso_user: User, items: list[ContentItem], path: str
) -> None:
    response = signed_in(contoso_user).get(path)
    assert response.status_code == 403
    page = response.content.decode()
    assert "does not include the campaign content library" in page
    assert "Premier Success and Premier Success Plus" in page
    for item in items:
        assert item.title not in page
    assert "welcome to the hub" not in page
    assert ContentDownload.objects.count() == 0


def test_an_unknown_item_is_404_and_staff_are_not_customers_here(
    entitled: Client, items: list[ContentItem], support_agent: User
) -> None:
    assert entitled.get("/portal/library/nope/").status_code == 404
    assert entitled.get("/portal/library/nope/download/").status_code == 404
    assert signed_in(support_agent).get("/portal/library/").status_code == 404
