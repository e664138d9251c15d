"""Report figures against hand-counted fixtures; charts and CSV exports through HTTP."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from successdesk.accounts.models import Customer, User
from successdesk.cases.conversation import comment_add
from successdesk.cases.lifecycle import case_transition
from successdesk.cases.models import Case
from successdesk.packages.models import UsageCounter
from successdesk.reports.selectors import (
    Period,
    case_volume,
    contact_roster,
    first_response_times,
    sla_attainment,
    usage_by_customer,
)
from tests.conftest import designate, signed_in
from tests.triage.conftest import T0, open_case

WEEK = Period(date(2026, 11, 23), date(2026, 11, 29))
NOW = T0 + timedelta(hours=6)  # Tue 16:00 Toronto


@pytest.fixture
def week(customers: dict[str, Customer], agents: list[User]) -> dict[str, Case]:
    """Six cases, hand-counted (Tue 24 Nov 2026 10:00 Toronto = T0):

    A Plus sev 2: replied after 1 h (target 2 h: met), resolved after 2 h (24 h: met)
    B Plus sev 3: replied after 5 h (target 4 h: missed), still open (48 h: pending)
    C Premier sev 2: no reply; 4 h target passed at NOW (missed); resolution pending
    D Standard sev 3: no reply, 16 h target not yet due (pending); resolution pending
    F Premier sev 1 (phone): replied after 30 min (1 h: met); resolution 24 h pending
    E Standard sev 4, opened the week before: outside the period
    """
    ann = agents[0]
    cases = {
        "A": open_case(customers["plus"], severity=2),
        "B": open_case(customers["plus"], severity=3),
        "C": open_case(customers["premier"], severity=2),
        "D": open_case(customers["standard"], severity=3),
        "F": open_case(customers["premier"], severity=1),
        "E": open_case(customers["standard"], severity=4, at=T0 - timedelta(days=7)),
    }
    comment_add(case=cases["A"], author=ann, body="Fixed", at=T0 + timedelta(hours=1))
    case_transition(
        case=cases["A"],
        to="resolved",
        by=ann,
        resolution="fix",
        summary="Cache cleared",
        at=T0 + timedelta(hours=2),
    )
    comment_add(case=cases["B"], author=ann, body="Looking", at=T0 + timedelta(hours=5))
    comment_add(case=cases["F"], author=ann, body="On it", at=T0 + timedelta(minutes=30))
    return cases


def test_sla_attainment_by_package_matches_the_hand_count(week: dict[str, Case]) -> None:
    rows = {r.group: r for r in sla_attainment(WEEK, by="package", now=NOW)}
    assert list(rows) == ["Premier Success", "Premier Success Plus", "Standard"]
    plus, premier, standard = (
        rows["Premier Success Plus"],
        rows["Premier Success"],
        rows["Standard"],
    )
    assert (plus.cases, plus.response_met, plus.response_missed, plus.response_pending) == (
        2,
        1,
        1,
        0,
    )
    assert (plus.resolution_met, plus.resolution_missed, plus.resolution_pending) == (1, 0, 1)
    assert plus.response_rate == 0.5 and plus.resolution_rate == 1.0
    assert (premier.cases, premier.response_met, premier.response_missed) == (2, 1, 1)
    assert premier.resolution_rate is None  # nothing decided yet
    assert (standard.cases, standard.response_pending, standard.resolution_pending) == (1, 1, 1)


def test_sla_attainment_by_severity_and_team(week: dict[str, Case]) -> None:
    by_severity = {r.group: r.cases for r in sla_attainment(WEEK, by="severity", now=NOW)}
    assert by_severity == {"1": 1, "2": 2, "3": 2}
    by_team = sla_attainment(WEEK, by="team", now=NOW)
    assert [(r.group, r.cases) for r in by_team] == [("Not routed", 5)]


def test_case_volume_by_channel_and_severity(week: dict[str, Case]) -> None:
    volume = {r.channel: r.by_severity for r in case_volume(WEEK)}
    assert volume == {
        "web": {1: 0, 2: 2, 3: 2, 4: 0},
        "phone": {1: 1, 2: 0, 3: 0, 4: 0},
        "api": {1: 0, 2: 0, 3: 0, 4: 0},
    }


def test_first_response_time_distribution(week: dict[str, Case]) -> None:
    assert dict(first_response_times(WEEK)) == {
        "under 15 min": 0,
        "15 min – 1 h": 1,
        "1 – 4 h": 1,
        "4 – 8 h": 1,
        "8 – 24 h": 0,
        "1 – 3 days": 0,
        "over 3 days": 0,
        "no response yet": 2,
    }


def test_fair_usage_per_customer_against_the_package_limit(
    customers: dict[str, Customer],
) -> None:
    november, october = date(2026, 11, 1), date(2026, 10, 1)
    UsageCounter.objects.create(
        customer=customers["premier"], pool="admin_task", month=november, used=4
    )
    UsageCounter.objects.create(
        customer=customers["premier"], pool="admin_task", month=october, used=5
    )
    UsageCounter.objects.create(
        customer=customers["plus"], pool="advisory_review", month=november, used=6, extra=2
    )
    rows = [
        (r.customer, r.pool, r.used, r.extra, r.limit, r.allowance) for r in usage_by_customer(WEEK)
    ]
    assert rows == [
        ("Fabrikam", "advisory_review", 6, 2, 5, 7),
        ("Northwind", "admin_task", 4, 0, 5, 5),
    ]
    two_months = Period(date(2026, 10, 15), date(2026, 11, 29))
    assert [(r.customer, r.used, r.limit) for r in usage_by_customer(two_months)] == [
        ("Fabrikam", 6, 10),
        ("Northwind", 9, 10),
    ]


def test_the_designated_contact_roster_marks_contacts_beyond_five_as_billed(
    customers: dict[str, Customer],
) -> None:
    from successdesk.accounts import services as accounts
    from successdesk.contacts.models import DesignatedContact

    for n in range(6):
        user = accounts.user_ensure(
            email=f"dc{n}@northwind.example", password="x" * 12, customer=customers["premier"]
        )
        designate(user)
        DesignatedContact.objects.filter(user=user).update(
            since=datetime(2026, 1, 1 + n, tzinfo=UTC)
        )
    roster = contact_roster(on=date(2026, 11, 24))
    assert [(e.email, e.position, e.billed) for e in roster][-2:] == [
        ("dc4@northwind.example", 5, False),
        ("dc5@northwind.example", 6, True),
    ]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode())))


def test_report_pages_draw_an_svg_chart_and_export_csv(
    week: dict[str, Case], triager: User
) -> None:
    client = signed_in(triager)
    period = {"start": "2026-11-23", "end": "2026-11-29"}
    page = client.get("/console/reports/volume/", period)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "<rect" in html and "style=" not in html.split("<svg")[1]
    exported = client.get("/console/reports/volume/", {**period, "format": "csv"})
    assert exported["Content-Type"].startswith("text/csv")
    assert csv_rows(exported.content) == [
        ["Channel", "Severity 1", "Severity 2", "Severity 3", "Severity 4", "Total"],
        ["Web", "0", "2", "2", "0", "4"],
        ["Telephone", "1", "0", "0", "0", "1"],
        ["API", "0", "0", "0", "0", "0"],
    ]
    for url in ("sla/", "first-response/", "usage/", "contacts/", ""):
        assert client.get(f"/console/reports/{url}", period).status_code == 200
    first = client.get("/console/reports/first-response/", {**period, "format": "csv"})
    assert csv_rows(first.content)[-1] == ["no response yet", "2", "40.0%"]
    sla = client.get("/console/reports/sla/", {**period, "by": "severity", "format": "csv"})
    assert [row[:2] for row in csv_rows(sla.content)] == [
        ["Severity", "Cases"],
        ["1", "1"],
        ["2", "2"],
        ["3", "2"],
    ]


def test_reports_refuse_customers_and_bad_periods_say_what_to_fix(
    customers: dict[str, Customer], triager: User
) -> None:
    customer = User.objects.get(email="user@northwind.example")
    assert signed_in(customer).get("/console/reports/sla/").status_code == 404
    client = signed_in(triager)
    for query, message in (
        ({"start": "2026-12-01", "end": "2026-11-01"}, "Swap the dates"),
        ({"start": "yesterday"}, "YYYY-MM-DD"),
        ({"by": "planet"}, "Group by package, severity or team"),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "shorter period"),
    ):
        response = client.get("/console/reports/sla/", {**query, "format": "csv"})
        assert response.status_code == 400
        assert message in response.content.decode()


def test_report_queries_do_not_grow_with_the_number_of_cases(
    customers: dict[str, Customer], triager: User
) -> None:
    client = signed_in(triager)
    period = {"start": "2026-11-23", "end": "2026-11-29"}

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, period).status_code == 200
        return len(captured.captured_queries)

    urls = ["/console/reports/sla/", "/console/reports/volume/", "/console/reports/first-response/"]
    few = [count(u) for u in urls]
    for n in range(6):
        open_case(customers["plus"], severity=2 + n % 3, at=T0 + timedelta(minutes=n))
    assert [count(u) for u in urls] == few
