from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from time_machine import TimeMachineFixture

from successdesk.accounts.models import User
from tests.conftest import signed_in

TORONTO = ZoneInfo("America/Toronto")


def test_the_help_page_gives_the_phone_number_hours_and_languages(db: None) -> None:
    page = Client().get("/help/").content.decode()
    assert "1-888-689-0758 x115" in page
    assert "08:00" in page and "20:00" in page
    assert "English" in page


@pytest.mark.parametrize(
    ("now", "says"),
    [
        # Tuesday 24 Nov 2026 in Toronto: inside Mon–Fri 08:00–20:00.
        (datetime(2026, 11, 24, 10, 0, tzinfo=TORONTO), "The line is open now"),
        (datetime(2026, 11, 24, 19, 59, tzinfo=TORONTO), "The line is open now"),
        (datetime(2026, 11, 24, 20, 0, tzinfo=TORONTO), "The line is closed now"),
        # Saturday, and Christmas Day (a Friday): closed.
        (datetime(2026, 11, 28, 12, 0, tzinfo=TORONTO), "The line is closed now"),
        (datetime(2026, 12, 25, 10, 0, tzinfo=TORONTO), "The line is closed now"),
    ],
)
def test_the_help_page_says_whether_the_line_is_open_at_this_moment(
    db: None, time_machine: TimeMachineFixture, now: datetime, says: str
) -> None:
    time_machine.move_to(now, tick=False)
    page = Client().get("/help/").content.decode()
    assert says in page
    other = {"The line is open now", "The line is closed now"} - {says}
    assert other.pop() not in page


def test_a_closed_line_says_when_it_opens_next(db: None, time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(datetime(2026, 11, 28, 12, 0, tzinfo=TORONTO), tick=False)  # Saturday
    page = Client().get("/help/").content.decode()
    assert "opens Mon 30 Nov, 08:00 EST" in page


def test_a_customer_user_gets_404_from_the_console(northwind_user: User) -> None:
    assert signed_in(northwind_user).get("/console/").status_code == 404


def test_staff_get_404_from_the_customer_portal(support_agent: User) -> None:
    assert signed_in(support_agent).get("/portal/").status_code == 404


def test_the_portal_shows_only_the_users_own_customer(
    northwind_user: User, contoso_user: User
) -> None:
    page = signed_in(northwind_user).get("/portal/").content.decode()
    assert "Northwind" in page and "Contoso" not in page


def test_the_django_admin_works_for_vendor_admins_only(
    admin_user: User, support_agent: User, northwind_user: User
) -> None:
    assert signed_in(admin_user).get("/admin/accounts/user/").status_code == 200
    assert signed_in(admin_user).get("/admin/accounts/user/add/").status_code == 200
    assert signed_in(support_agent).get("/admin/").status_code == 302
    assert signed_in(northwind_user).get("/admin/").status_code == 302


def test_healthz_answers_200_when_the_database_answers(db: None) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_pages_carry_the_security_headers(db: None) -> None:
    response = Client().get("/login/")
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
