"""One "today" per purpose: at 21:00 in Toronto on 30 Nov it is already 1 Dec in UTC.

A customer's terms and the dates its people give are judged on the customer's date; report
periods are whole days in the vendor's zone. Each test sits at an instant where the UTC
date and the Toronto date differ, so a rule reading the wrong one fails.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from successdesk.accounts import services as accounts
from successdesk.accounts.models import Customer, User
from successdesk.accounts.roles import Role
from successdesk.cases.models import Case
from successdesk.contacts.models import TrainingCourse
from successdesk.contacts.training import training_completion_record, training_courses_load
from successdesk.domain.errors import InvalidInput
from successdesk.intake.services import CaseDraft, case_open_portal
from successdesk.packages.catalog import catalog_load
from successdesk.packages.models import PackageVersion
from successdesk.packages.services import subscription_start
from successdesk.reports.forms import PeriodForm
from successdesk.reports.selectors import Period, case_volume
from successdesk.service_requests.selectors import usage_board
from tests.conftest import PASSWORD, signed_in

# 02:00 UTC on 1 Dec 2026 is 21:00 on 30 Nov in Toronto (Northwind's and the vendor's zone).
EVENING = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
LAST_DAY = date(2026, 11, 30)


@pytest.fixture
def ending_today(db: None) -> Customer:
    """Northwind (Toronto), whose one-year term ends on 30 Nov 2026."""
    catalog_load()
    northwind = accounts.customer_ensure(name="Northwind")
    version = PackageVersion.objects.filter(package__slug="premier-success").latest("version")
    subscription_start(
        customer=northwind,
        package_version=version,
        starts_on=date(2025, 12, 1),
        ends_on=LAST_DAY,
    )
    accounts.user_ensure(email="user@northwind.example", password=PASSWORD, customer=northwind)
    return northwind


@pytest.fixture
def evening(time_machine: Any) -> None:
    time_machine.move_to(EVENING, tick=False)


def evening_case(customer: Customer) -> Case:
    return case_open_portal(
        requester=User.objects.get(email="user@northwind.example"),
        draft=CaseDraft(subject="Badges missing", description="It broke.", severity=3),
        at=EVENING,
    )


def test_a_case_opened_on_the_last_evening_of_the_term_gets_the_package(
    ending_today: Customer,
) -> None:
    case = evening_case(ending_today)
    assert case.package_version is not None
    assert case.package_version.package.slug == "premier-success"


def test_staff_see_the_subscription_current_on_the_customers_own_date(
    ending_today: Customer, evening: None
) -> None:
    staff = accounts.user_ensure(
        email="agent@vendor.example", password=PASSWORD, roles=[Role.SUPPORT_AGENT]
    )
    page = signed_in(staff).get("/console/customers/").content.decode()
    assert "Premier Success" in page


def test_the_fair_usage_board_reads_each_customers_subscription_on_its_own_date(
    ending_today: Customer,
) -> None:
    (row,) = [r for r in usage_board(EVENING) if r.customer == ending_today]
    assert row.package != "no current subscription"


def test_a_report_period_is_whole_days_in_the_vendors_zone(
    ending_today: Customer, evening: None
) -> None:
    evening_case(ending_today)
    assert sum(row.total for row in case_volume(Period(LAST_DAY, LAST_DAY))) == 1
    assert sum(row.total for row in case_volume(Period(date(2026, 12, 1), date(2026, 12, 1)))) == 0
    form = PeriodForm({})
    assert form.is_valid()
    assert form.cleaned_data["end"] == LAST_DAY


def test_a_training_completion_may_not_be_dated_after_the_customers_today(
    ending_today: Customer, evening: None
) -> None:
    user = User.objects.get(email="user@northwind.example")
    training_courses_load()
    course = TrainingCourse.objects.order_by("pk").first()
    assert course is not None
    with pytest.raises(InvalidInput, match="2026-12-01 is in the future"):
        training_completion_record(
            actor=None, user=user, course=course, completed_on=date(2026, 12, 1)
        )
    done = training_completion_record(actor=None, user=user, course=course, completed_on=LAST_DAY)
    assert done.completed_on == LAST_DAY
