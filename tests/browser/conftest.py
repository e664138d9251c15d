"""Real-browser tests: Playwright driving the system Chromium against a live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).parents[2] / "var" / "screenshots")
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is missing: apt-get install -y chromium (.ci/run does).")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # (fixtures, assertions) are still synchronous and safe. Only for the browser tests.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class Person:
    """One person's browser tab, signed in to the live server."""

    def __init__(self, browser: Browser, base_url: str, name: str) -> None:
        self.context = browser.new_context(
            base_url=base_url, viewport={"width": 1280, "height": 900}
        )
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.name = name

    def sign_in(self, email: str, password: str) -> Page:
        page = self.page
        page.goto("/login/")
        page.fill("input[name=username]", email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    def shot(self, label: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{label}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def people(browser: Browser, live_server: Any) -> Iterator[Any]:
    opened: list[Person] = []

    def open_as(name: str) -> Person:
        person = Person(browser, live_server.url, name)
        opened.append(person)
        return person

    yield open_as
    for person in opened:
        person.close()
