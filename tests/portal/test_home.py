"""The portal's home page: what the customer needs first, in one place."""

from __future__ import annotations

from datetime import date

from successdesk.accounts.models import Customer, User
from successdesk.cases.models import Case
from successdesk.intake.services import CaseDraft, case_open_portal
from successdesk.packages.models import UsageCounter
from successdesk.packages.selectors import customer_today
from tests.conftest import PASSWORD, designate, signed_in


def opened(user: User, subject: str, status: str = "new") -> Case:
    case = case_open_portal(
        requester=user,
        draft=CaseDraft(subject=subject, description="It broke.", severity=3),
    )
    Case.objects.filter(pk=case.pk).update(status=status)
    return case


def test_the_portal_home_shows_cases_waiting_on_the_customer_first_then_the_open_ones(
    premier_northwind: Customer, northwind_user: User
) -> None:
    waiting = opened(northwind_user, "Export is missing columns", "awaiting_customer")
    working = opened(northwind_user, "Leaderboard frozen", "in_progress")
    done = opened(northwind_user, "An old question", "resolved")
    page = signed_in(northwind_user).get("/portal/").content.decode()
    assert waiting.number in page and working.number in page
    assert page.index("Waiting on you") < page.index(waiting.number) < page.index(working.number)
    assert done.number not in page
    assert "2 open cases in all, 1 of them waiting on you" in page


def test_the_portal_home_shows_the_package_the_quota_left_and_when_it_resets(
    premier_northwind: Customer, northwind_user: User
) -> None:
    month = customer_today(premier_northwind).replace(day=1)
    UsageCounter.objects.create(customer=premier_northwind, pool="admin_task", month=month, used=2)
    page = signed_in(northwind_user).get("/portal/").content.decode()
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    assert "<strong>Premier Success</strong>" in page
    assert "Admin tasks: <strong>3 of 5 left</strong>" in page
    assert "Advisory reviews: <strong>5 of 5 left</strong>" in page
    assert f"Resets {following.day} {following:%b %Y}, 00:00 (America/Toronto)" in page


def test_the_portal_home_names_the_customers_designated_contacts(
    premier_northwind: Customer, northwind_user: User, contoso_user: User
) -> None:
    designate(northwind_user)
    designate(contoso_user)
    page = signed_in(northwind_user).get("/portal/").content.decode()
    assert f'href="mailto:{northwind_user.email}"' in page
    assert contoso_user.email not in page


def test_a_customer_user_sees_only_the_cases_they_may_see_on_the_home_page(
    premier_northwind: Customer, northwind_user: User
) -> None:
    from successdesk.accounts import services as accounts

    colleague = accounts.user_ensure(
        email="colleague@northwind.example", password=PASSWORD, customer=premier_northwind
    )
    theirs = opened(colleague, "Their own case")
    page = signed_in(northwind_user).get("/portal/").content.decode()
    assert theirs.number not in page and "You have no open cases." in page
