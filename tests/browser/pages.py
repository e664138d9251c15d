"""Every page a visitor can reach: the navigation's pages, then one of each kind of page their
content links to (a case, a service request, a customer, a queue, a report, a library item)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page

from successdesk.ops.demo import DEMO_PASSWORD

PUBLIC_PAGES = [
    "/login/",
    "/help/",
    "/password-reset/",
    "/password-reset/sent/",
    "/password-reset/MQ/not-a-token/",  # a used or broken link
    "/password-reset/done/",
    "/no-such-page/",
]
# A designated contact, a customer user, a designated contact on the Standard package (no
# library), a triage agent, a support agent and an admin.
VISITORS = [
    "dc@northwind.example",
    "user@northwind.example",
    "dc@contoso.example",
    "triage@vendor.example",
    "agent@vendor.example",
    "admin@vendor.example",
]
# Downloads, the Django admin (not our pages) and live fragments are not pages to visit.
SKIP = re.compile(r"/admin/|/attachments/|/download/|\.csv|/sla/$|/exclusion-check/")
PER_SECTION = 4  # at most this many linked pages below each navigation page


@dataclass(frozen=True)
class Visit:
    who: str
    path: str
    status: int
    errors: list[str]


def _same_site_pages(page: Page, selector: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        selector, "links => links.map(a => a.href).filter(h => h.startsWith(location.origin))"
    )
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.query or parts.fragment or SKIP.search(parts.path):
            continue
        paths.append(parts.path)
    return list(dict.fromkeys(paths))


def signed_in_page(
    browser: Browser, base_url: str, who: str | None, *, width: int, scan: bool = False
) -> Page:
    """A new tab of ``width`` px signed in as ``who``. ``scan``: the accessibility scan's tab,
    whose injected axe-core script our CSP (self and nonce only) would otherwise refuse."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": 800}, bypass_csp=scan
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    if who:
        page.goto("/login/")
        page.fill("input[name=username]", who)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
    return page


def visit_every_page(page: Page, who: str | None) -> Iterator[Visit]:
    """Go to each page the visitor can reach (yielding after each load, for the checks)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def go(path: str) -> Visit:
        errors.clear()
        response = page.goto(path)  # waits for the load event: styles, scripts, images
        return Visit(who or "anonymous", path, response.status if response else 0, list(errors))

    if who is None:
        for path in PUBLIC_PAGES:
            yield go(path)
        return
    page.goto("/")
    navigation = _same_site_pages(page, "#site-nav a")
    seen = set(navigation)
    for path in navigation:
        visit = go(path)
        yield visit
        below = [p for p in _same_site_pages(page, "main a") if p not in seen]
        kinds: dict[str, str] = {}
        for linked in below:
            kinds.setdefault(re.sub(r"\d+", "N", linked), linked)
        for linked in list(kinds.values())[:PER_SECTION]:
            seen.add(linked)
            yield go(linked)
