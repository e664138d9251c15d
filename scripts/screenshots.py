"""Take the README's screenshots from a running SuccessDesk with demo data.

.venv/bin/successdesk runserver 127.0.0.1:8000 &   # after `successdesk demo`
.venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 docs/screenshots
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

PASSWORD = "success-demo-2026"  # noqa: S105 - the demo password printed by `make run`
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def sign_in(page: Page, email: str) -> None:
    page.goto("/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def main(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        staff = browser.new_page(base_url=base, viewport={"width": 1280, "height": 820})
        sign_in(staff, "triage@vendor.example")
        staff.goto("/console/triage/")
        staff.screenshot(path=str(out / "console-triage-queue.png"))
        customer = browser.new_page(base_url=base, viewport={"width": 1280, "height": 820})
        sign_in(customer, "dc@northwind.example")
        customer.goto("/portal/cases/new/")
        customer.select_option("select[name=severity]", "1")
        customer.fill("input[name=subject]", "Our hub is down")
        customer.fill("textarea[name=description]", "Every advocate gets an error page.")
        customer.click("button[type=submit]")
        customer.wait_for_selector("text=must be phoned in")
        customer.screenshot(path=str(out / "portal-severity-1.png"))
        customer.goto("/portal/")
        customer.screenshot(path=str(out / "portal-home.png"))
        agent = browser.new_page(base_url=base, viewport={"width": 1280, "height": 820})
        sign_in(agent, "agent@vendor.example")
        agent.screenshot(path=str(out / "console-desk.png"))
        # A phone (375 px): the navigation folded behind its menu button, opened.
        phone = browser.new_page(base_url=base, viewport={"width": 375, "height": 740})
        sign_in(phone, "dc@northwind.example")
        phone.get_by_role("button", name="Menu").click()
        phone.screenshot(path=str(out / "phone-portal-menu.png"))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
