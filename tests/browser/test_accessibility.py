"""An accessibility scan with axe-core in Chromium: no serious or critical violation on any
page a designated contact, a customer user, a triage agent, a support agent or an admin can
reach, nor on the public pages (sign-in, help, password reset, page not found)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from successdesk.ops.demo import load_demo

from .pages import VISITORS, signed_in_page, visit_every_page

pytestmark = pytest.mark.slow

# axe-core from the npm registry, pinned in tests/browser/package.json; `make test` (and
# `make axe`) installs it into tests/browser/node_modules/, which git ignores.
AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def violations(page: Page) -> list[tuple[str, str, str, list[str]]]:
    """axe-core's serious and critical violations on the page: (rule, impact, help, where)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], v["help"], [str(node["target"]) for node in v["nodes"][:3]])
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.fixture
def axe() -> Path:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `make axe` (npm ci in tests/browser).")
    return AXE


@pytest.fixture
def demo(transactional_db: None) -> None:
    load_demo()


def test_no_page_has_a_serious_or_critical_accessibility_violation(
    axe: Path, browser: Browser, live_server: Any, demo: None
) -> None:
    found, scanned = {}, 0
    for who in [None, *VISITORS]:
        page = signed_in_page(browser, live_server.url, who, width=1280, scan=True)
        for visit in visit_every_page(page, who):
            scanned += 1
            if problems := violations(page):
                found[f"{visit.who} {visit.path}"] = problems
        if who:  # the home page on a phone, its menu open
            page.set_viewport_size({"width": 375, "height": 800})
            page.goto("/")
            page.get_by_role("button", name="Menu").click()
            if problems := violations(page):
                found[f"{who} / at 375 px, menu open"] = problems
        page.context.close()
    assert scanned > 60
    assert found == {}
