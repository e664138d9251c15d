"""At 375 px (a small phone) every page fits: no sideways scroll, the navigation folds behind
a working menu button, and nothing logs an error."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser

from successdesk.accounts.models import Customer, User
from successdesk.ops.demo import load_demo
from tests.conftest import PASSWORD

from .conftest import SCREENSHOTS
from .pages import VISITORS, signed_in_page, visit_every_page

pytestmark = pytest.mark.slow

PHONE = 375


@pytest.fixture
def demo(transactional_db: None) -> None:
    load_demo()


def test_every_page_fits_a_375_px_screen_without_sideways_scroll_or_a_console_error(
    browser: Browser, live_server: Any, demo: None
) -> None:
    problems, visited = [], 0
    for who in [None, *VISITORS]:
        page = signed_in_page(browser, live_server.url, who, width=PHONE)
        for visit in visit_every_page(page, who):
            visited += 1
            wide = page.evaluate("document.documentElement.scrollWidth")
            expected = 404 if visit.path == "/no-such-page/" else 200
            errors = [e for e in visit.errors if "404 (Not Found)" not in e or expected != 404]
            if wide > PHONE or visit.status != expected or errors:
                problems.append((visit.who, visit.path, visit.status, wide, errors))
        page.context.close()
    assert visited > 60
    assert problems == []


def test_the_navigation_folds_behind_a_menu_button_that_opens_and_closes_it(
    people: Any, premier_northwind: Customer, northwind_user: User
) -> None:
    person = people("customer")
    person.page.set_viewport_size({"width": PHONE, "height": 800})
    page = person.sign_in(northwind_user.email, PASSWORD)
    menu = page.get_by_role("button", name="Menu")
    cases = page.locator("#site-nav").get_by_role("link", name="Cases", exact=True)
    assert menu.is_visible() and not cases.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true" and cases.is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "portal-phone-menu.png"))
    page.keyboard.press("Escape")
    assert not cases.is_visible()
    menu.click()
    cases.click()
    page.wait_for_url("**/portal/cases/")
