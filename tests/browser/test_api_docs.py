from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

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
