from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from successdesk.accounts.models import Customer, User
from successdesk.cases.models import Case
from tests.conftest import PASSWORD

pytestmark = pytest.mark.slow


def test_a_case_from_the_portal_to_a_reply_with_phone_intake_on_the_way(
    people: Any,
    premier_northwind: Customer,
    northwind_user: User,
    triage_agent: User,
    support_agent: User,
    media_root: Any,
    tmp_path: Path,
) -> None:
    from successdesk.accounts.services import team_ensure

    team_ensure(name="Platform", members=[support_agent], lead=support_agent)
    customer = people("customer")
    page = customer.sign_in(northwind_user.email, PASSWORD)
    assert "/portal/" in page.url

    # Severity 1 over the web: refused with the phone number.
    page.goto("/portal/cases/new/")
    page.fill("input[name=subject]", "Hub is down for everyone")
    page.fill("textarea[name=description]", "Every advocate gets an error page.")
    page.select_option("select[name=severity]", "1")
    page.click("button[type=submit]")
    page.wait_for_selector("text=must be phoned in")
    assert "1-888-689-0758 x115" in page.content()
    customer.shot("portal-severity-1-refused")

    # Severity 2 with an attachment: opened, numbered.
    log = tmp_path / "browser-console.log"
    log.write_text("TypeError: cannot read properties of undefined (reading 'points')\n")
    page.select_option("select[name=severity]", "2")
    page.set_input_files("input[name=attachments]", str(log))
    page.click("button[type=submit]")
    page.wait_for_selector("text=browser-console.log")
    case = Case.objects.get(severity=2)
    assert case.number in page.content()
    customer.shot("portal-case-opened")

    # A triage agent logs a Severity 1 phone call for Northwind.
    triage = people("triage")
    console = triage.sign_in(triage_agent.email, PASSWORD)
    console.goto("/console/phone/")
    console.select_option("select[name=customer]", str(premier_northwind.pk))
    console.fill("input[name=caller_name]", "Noah User")
    console.fill("input[name=caller_email]", northwind_user.email)
    console.fill("input[name=callback_number]", "+1 416 555 0100")
    console.fill("input[name=subject]", "Hub down, called in")
    console.fill("textarea[name=description]", "Production hub returns 503.")
    console.select_option("select[name=severity]", "1")
    triage.shot("console-phone-intake")
    console.click("button[type=submit]")
    console.wait_for_selector("text=Give the caller this number")
    phone_case = Case.objects.get(severity=1)
    assert phone_case.channel == "phone"

    # ...and documents and routes it.
    console.fill("input[name=triage-category]", "hub")
    console.fill("input[name=triage-product_area]", "Advocate hub")
    console.select_option("select[name=triage-severity]", "1")
    console.select_option("select[name=triage-team]", label="Platform")
    console.click("text=Save and route")
    console.wait_for_load_state()
    phone_case.refresh_from_db()
    assert phone_case.team is not None and phone_case.team.name == "Platform"
    triage.shot("console-phone-case")
    console.goto("/console/triage/")
    triage.shot("console-triage-queue")

    # An agent replies to the customer's case.
    agent = people("agent")
    desk = agent.sign_in(support_agent.email, PASSWORD)
    desk.goto(f"/console/cases/{case.number}/")
    desk.fill("textarea[name=body]", "Thanks: we reproduced it and a fix ships tonight.")
    desk.click("text=Send")
    desk.wait_for_selector("text=Reply sent")
    agent.shot("console-case")

    # The customer sees the reply and the SLA due time.
    page.goto(f"/portal/cases/{case.number}/")
    assert "a fix ships tonight" in page.content()
    assert "Resolution target" in page.content()
    customer.shot("portal-case-reply")


def test_a_designated_contact_approves_remote_access_and_meets_the_fair_usage_limit(
    people: Any,
    premier_northwind: Customer,
    northwind_user: User,
    support_agent: User,
    media_root: Any,
) -> None:
    from successdesk.intake.services import CaseDraft, case_open_portal
    from successdesk.service_requests.services import service_request_submit
    from tests.conftest import designate

    designate(northwind_user)
    case = case_open_portal(
        requester=northwind_user,
        draft=CaseDraft(subject="Leaderboard empty", description="No points shown", severity=2),
    )
    agent = people("agent")
    desk = agent.sign_in(support_agent.email, PASSWORD)
    desk.goto(f"/console/cases/{case.number}/")
    desk.fill("#ra-reason", "To look at the leaderboard settings with you.")
    desk.click("text=Ask for access")
    desk.wait_for_selector("text=Withdraw")

    contact = people("designated contact")
    page = contact.sign_in(northwind_user.email, PASSWORD)
    page.goto(f"/portal/cases/{case.number}/")
    contact.shot("portal-remote-access-request")
    page.click("button[value=approve]")
    page.wait_for_load_state()
    assert "approved" in page.content().lower()
    contact.shot("portal-remote-access-approved")

    # Four admin tasks already this month; the fifth is the last one.
    for n in range(4):
        service_request_submit(requester=northwind_user, kind="csv_import", details=f"Import {n}")
    page.goto("/portal/services/new/")
    page.select_option("select[name=kind]", "csv_import")
    page.fill("textarea[name=details]", "Import 400 advocates from the attached list.")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto("/portal/services/new/")
    assert "5 of 5" in page.content()
    contact.shot("portal-fair-usage-limit")
