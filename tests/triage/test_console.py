"""The agent console: queues, the triage panel on the case page, live SLA badges."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from time_machine import TimeMachineFixture

from successdesk.accounts.models import Customer, SupportTeam, User
from successdesk.cases.models import Case, CaseEvent
from successdesk.triage.models import RoutingRule
from tests.conftest import signed_in

from .conftest import T0, open_case


def clone(case: Case, count: int, start: int) -> None:
    """``count`` more cases like ``case`` (same customer, package and clocks)."""
    Case.objects.bulk_create(
        Case(
            number=f"{case.number}-{start + n}",
            customer=case.customer,
            requester=case.requester,
            subject=case.subject,
            description=case.description,
            severity=1 + (start + n) % 4,
            channel=case.channel,
            source=case.source,
            package_version=case.package_version,
            routing_priority=case.routing_priority,
            sla_clocks=case.sla_clocks,
            first_response_due_at=case.first_response_due_at,
            resolution_due_at=case.resolution_due_at,
            team=case.team,
            assignee=case.assignee,
            created_at=case.created_at + timedelta(minutes=start + n),
        )
        for n in range(count)
    )


def queries(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert len(response.context["rows"]) == min(Case.objects.count(), 50)
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url", ["/console/triage/", "/console/queues/platform/", "/console/my-cases/"]
)
def test_a_queue_page_costs_the_same_queries_for_10_cases_as_for_60(
    url: str,
    customers: dict[str, Customer],
    rules: list[RoutingRule],
    teams: dict[str, SupportTeam],
    agents: list[User],
) -> None:
    seeds = [open_case(customers[k], severity=2) for k in ("plus", "premier", "standard")]
    for seed in seeds:
        Case.objects.filter(pk=seed.pk).update(assignee=agents[0])
        seed.refresh_from_db()
        clone(seed, 2, 0)
    client = signed_in(agents[0])
    assert Case.objects.count() == 9
    small = queries(client, url)
    assert small < 20
    for seed in seeds:
        clone(seed, 17, 100)
    assert Case.objects.count() == 60
    assert queries(client, url) == small


def test_the_triage_queue_lists_cases_in_order_with_sla_badges_and_pages_on(
    customers: dict[str, Customer], triager: User, time_machine: TimeMachineFixture
) -> None:
    seed = open_case(customers["standard"], severity=3)
    plus = open_case(customers["plus"], severity=4)
    clone(seed, 55, 0)
    time_machine.move_to(T0 + timedelta(minutes=5), tick=False)
    client = signed_in(triager)
    page = client.get("/console/triage/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index(plus.number) < html.index(seed.number)
    assert "Response on track" in html and "Response breached" not in html
    assert 'hx-trigger="every 60s"' in html
    assert "Next page" in html
    cursor = page.context["page"].next_cursor
    second = client.get("/console/triage/", {"cursor": cursor})
    assert second.status_code == 200
    assert len(second.context["rows"]) == 57 - 50

    polled = client.get("/console/triage/", headers={"HX-Request": "true"})
    assert polled.content.decode().lstrip().startswith("<tbody")

    time_machine.shift(timedelta(days=7))  # no reply in a week: every response is late
    late = signed_in(triager).get("/console/triage/").content.decode()
    assert "Response breached" in late and "Response on track" not in late


def test_queues_refuse_customers_an_unknown_team_and_a_bad_cursor(
    customers: dict[str, Customer], triager: User, teams: dict[str, SupportTeam]
) -> None:
    customer_user = User.objects.get(email="user@northwind.example")
    assert signed_in(customer_user).get("/console/triage/").status_code == 404
    client = signed_in(triager)
    assert client.get("/console/queues/no-such-team/").status_code == 404
    bad = client.get("/console/triage/", {"cursor": "garbage"})
    assert bad.status_code == 400
    assert "cannot be read" in bad.content.decode()
    overview = client.get("/console/queues/").content.decode()
    assert "Platform" in overview and "Advocacy Programs" in overview


def test_the_case_page_has_the_triage_panel_and_the_live_sla_badge(
    customers: dict[str, Customer], rules: list[RoutingRule], triager: User
) -> None:
    case = open_case(customers["premier"], category="integration")
    html = signed_in(triager).get(f"/console/cases/{case.number}/").content.decode()
    assert "Save and route" in html
    assert "the routing rules choose <strong>Integrations</strong>" in html
    assert f'hx-get="/console/cases/{case.number}/sla/"' in html
    badge = signed_in(triager).get(f"/console/cases/{case.number}/sla/").content.decode()
    assert "Response" in badge and "Resolution" in badge


def test_the_triage_form_documents_and_routes_or_explains_what_is_wrong(
    customers: dict[str, Customer],
    rules: list[RoutingRule],
    teams: dict[str, SupportTeam],
    triager: User,
) -> None:
    case = open_case(customers["premier"], category="integration")
    client = signed_in(triager)
    url = f"/console/cases/{case.number}/triage/"
    form = {
        "triage-category": "integration",
        "triage-product_area": "salesforce sync",
        "triage-severity": "3",
        "triage-notes": "Sync log shows 401s.",
        "triage-team": "platform",
    }
    for bad, message in (
        ({"triage-severity": "9"}, "Choose a severity from 1 to 4."),
        ({"triage-team": "nowhere"}, "Choose one of the teams listed."),
        ({"triage-category": ""}, "This field is required."),
        ({}, "override the rules"),
    ):
        response = client.post(url, {**form, **bad})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not CaseEvent.objects.filter(case=case, kind="triaged").exists()

    done = client.post(url, {**form, "triage-override": "on"})
    assert done.status_code == 302
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.team, stored.product_area) == (
        "triaged",
        teams["platform"],
        "salesforce sync",
    )


def test_a_support_agent_sees_the_panel_but_cannot_triage(
    customers: dict[str, Customer], agents: list[User]
) -> None:
    case = open_case(customers["premier"])
    client = signed_in(agents[0])
    html = client.get(f"/console/cases/{case.number}/").content.decode()
    assert "Triage agents document and route cases." in html
    response = client.post(
        f"/console/cases/{case.number}/triage/",
        {"triage-category": "hub", "triage-product_area": "x", "triage-severity": "3"},
    )
    assert response.status_code == 400
    assert "Only triage agents" in response.content.decode()


def test_the_link_form_links_an_unverified_sender(
    customers: dict[str, Customer], triager: User
) -> None:
    from successdesk.intake.services import CaseDraft, case_open_contact_form

    case = case_open_contact_form(
        draft=CaseDraft(
            subject="Help", description="Hub down?", severity=2, requester_email="x@y.example"
        ),
        at=T0,
    )
    client = signed_in(triager)
    html = client.get(f"/console/cases/{case.number}/").content.decode()
    assert "Link to customer" in html
    url = f"/console/cases/{case.number}/link-customer/"
    assert client.post(url, {"link-customer": "999999"}).status_code == 400
    assert client.post(url, {"link-customer": customers["plus"].pk}).status_code == 302
    linked = Case.objects.get(pk=case.pk)
    assert linked.customer == customers["plus"] and linked.routing_priority == 20


def test_the_console_nav_links_the_queues_and_reports(triager: User) -> None:
    html = signed_in(triager).get("/console/").content.decode()
    for href in ("/console/triage/", "/console/queues/", "/console/my-cases/", "/console/reports/"):
        assert f'href="{href}"' in html


def test_queue_and_list_rows_escape_what_customers_wrote_and_date_as_django_would(
    customers: dict[str, Customer], triager: User
) -> None:
    from zoneinfo import ZoneInfo

    from django.utils.dateformat import format as date_format

    hostile = '<script>alert("x")</script> & more'
    case = open_case(customers["premier"], severity=3, subject=hostile)
    assert case.resolution_due_at is not None
    toronto = case.resolution_due_at.astimezone(ZoneInfo("America/Toronto"))  # staff's zone
    due = date_format(toronto, "D j M H:i")
    due_title = date_format(toronto, "D j M Y, H:i T")
    client = signed_in(triager)
    for url in ("/console/triage/", "/console/cases/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in html
        assert f"<td>{due}</td>" in html
        assert f'<a href="/console/cases/{case.number}/">{case.number}</a>' in html
    queue = client.get("/console/triage/").content.decode()
    assert f'title="Resolution due {due_title}"' in queue


def test_the_case_list_pages_through_every_case_newest_first_with_its_filters_kept(
    customers: dict[str, Customer], triager: User
) -> None:
    seed = open_case(customers["premier"], severity=3)
    clone(seed, 59, 0)  # severities 1, 2, 3, 4, 1, … ; each a minute newer than the last
    client = signed_in(triager)
    first = client.get("/console/cases/", {"status": ""})  # All
    html = first.content.decode()
    assert "60 cases, newest first" in html
    numbers = [row["number"] for row in first.context["rows"]]
    assert len(numbers) == 50 and numbers[0] == f"{seed.number}-58"
    # Follow the page's own "Next page" link: it carries the filters with the cursor.
    link = re.search(r'href="\?([^"]+)">Next page</a>', html)
    assert link is not None
    second = client.get("/console/cases/?" + unescape(link.group(1)))
    assert '<option value="" selected>All</option>' in second.content.decode()
    numbers += [row["number"] for row in second.context["rows"]]
    assert sorted(numbers) == sorted(Case.objects.values_list("number", flat=True))
    assert second.context["page"].next_cursor is None
    assert "Next page" not in second.content.decode()

    severe = client.get("/console/cases/", {"status": "new", "severity": "2", "q": "Badges"})
    html = severe.content.decode()
    assert {row["severity"] for row in severe.context["rows"]} == {2}
    assert len(severe.context["rows"]) == 15 and "Next page" not in html
    assert '<option value="new" selected>New</option>' in html
    assert '<option value="2" selected>Severity 2</option>' in html
    assert 'value="Badges"' in html


def test_a_damaged_case_list_cursor_says_so_and_offers_the_first_page(triager: User) -> None:
    response = signed_in(triager).get("/console/cases/", {"cursor": "not-a-cursor", "q": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The cursor cannot be read." in html
    assert 'href="?q=x&amp;status=open&amp;severity="' in html


def test_the_case_list_finds_cases_by_the_requesters_e_mail_address(
    customers: dict[str, Customer], triager: User
) -> None:
    mine = open_case(customers["premier"], subject="Badges missing")
    open_case(customers["standard"], subject="Badges missing")
    client = signed_in(triager)
    found = client.get("/console/cases/", {"q": "  USER@northwind.example "}).context["rows"]
    assert [row["number"] for row in found] == [mine.number]
    assert len(client.get("/console/cases/", {"q": "badges"}).context["rows"]) == 2
