from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from successdesk.accounts.models import Customer, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.slow


def test_the_api_docs_page_shows_every_operation_within_the_content_security_policy(
    people: Any, transactional_db: None
) -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    operations = sum(len(methods) for methods in spec["paths"].values())
    developer = people("developer")
    page = developer.page
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() == operations
    assert errors == []  # no blocked script, style or font, no spec the UI cannot read
    developer.shot("api-docs")


def test_pages_load_without_a_console_error_for_each_kind_of_visitor(
    people: Any,
    premier_northwind: Customer,
    northwind_user: User,
    triage_agent: User,
) -> None:
    visits = {
        None: ["/login/", "/help/", "/password-reset/"],
        northwind_user: ["/portal/", "/portal/cases/", "/portal/cases/new/", "/portal/services/"],
        triage_agent: ["/console/", "/console/triage/", "/console/cases/", "/console/phone/"],
    }
    for visitor, paths in visits.items():
        person = people(visitor.email if visitor else "anonymous")
        page = person.sign_in(visitor.email, PASSWORD) if visitor else person.page
        errors: list[str] = []

        def keep(message: Any, seen: list[str] = errors) -> None:
            if message.type == "error":
                seen.append(message.text)

        page.on("console", keep)
        for path in paths:
            errors.clear()
            page.goto(path)
            page.wait_for_load_state("networkidle")
            # e.g. an inline style our CSP refuses, or a missing file
            assert (path, errors) == (path, [])
