"""Queue order: package routing priority, then severity, then resolution due time, then age;
the SQL order agrees with the domain's ``queue_key``, and keyset pages cover it exactly."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from successdesk.accounts.models import Customer
from successdesk.cases.keyset import cursor_encode
from successdesk.cases.models import Case
from successdesk.domain.errors import DomainError
from successdesk.domain.routing import sort_queue
from successdesk.triage.selectors import (
    case_queue_key,
    queue_page,
    queue_triage,
)

from .conftest import T0, open_case

Row = tuple[int, int, int | None, int]  # priority, severity, due (minutes), created (minutes)


def make_cases(rows: list[Row]) -> list[Case]:
    Case.objects.all().delete()
    return Case.objects.bulk_create(
        Case(
            number=f"Q-{n}",
            subject=f"case {n}",
            description="-",
            severity=severity,
            channel="web",
            source="portal",
            routing_priority=priority,
            resolution_due_at=None if due is None else T0 + timedelta(minutes=due),
            created_at=T0 - timedelta(minutes=created),
        )
        for n, (priority, severity, due, created) in enumerate(rows)
    )


def all_pages(limit: int) -> list[str]:
    numbers, cursor = [], None
    while True:
        page = queue_page(queue_triage(), queue="triage", cursor=cursor, limit=limit)
        numbers += [c.number for c in page.cases]
        if page.next_cursor is None:
            return numbers
        cursor = page.next_cursor


def test_plus_comes_before_premier_before_standard_then_severity_then_due_time(
    customers: dict[str, Customer],
) -> None:
    opened = {
        "standard-2": open_case(customers["standard"], severity=2),
        "premier-2": open_case(customers["premier"], severity=2),
        "plus-3": open_case(customers["plus"], severity=3),
        "plus-2-later": open_case(customers["plus"], severity=2, at=T0 + timedelta(hours=1)),
        "plus-2": open_case(customers["plus"], severity=2),
        "standard-1": open_case(customers["standard"], severity=1),
    }
    by_number = {case.number: name for name, case in opened.items()}
    order = [by_number[c.number] for c in queue_page(queue_triage(), queue="triage").cases]
    assert order == ["plus-2", "plus-2-later", "plus-3", "premier-2", "standard-1", "standard-2"]


rows = st.lists(
    st.tuples(
        st.sampled_from([0, 10, 20]),
        st.integers(1, 4),
        st.one_of(st.none(), st.sampled_from([0, 30, 60, 600])),
        st.sampled_from([0, 5, 10]),
    ),
    max_size=25,
)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows, limit=st.integers(1, 7))
def test_sql_queue_order_and_keyset_pages_agree_with_the_domain_queue_key(
    rows: list[Row], limit: int
) -> None:
    cases = make_cases(rows)
    expected = [c.number for c in sort_queue(cases, key=case_queue_key)]
    in_sql = [c.number for c in queue_page(queue_triage(), queue="triage", limit=200).cases]
    assert in_sql == expected
    assert all_pages(limit) == expected


@pytest.mark.django_db
def test_a_damaged_cursor_or_one_of_another_queue_is_refused_with_what_to_do() -> None:
    make_cases([(10, 2, 30, 0), (0, 1, None, 5)])
    for bad in ("not-a-cursor", "W10", "eyJ4IjoxfQ"):
        with pytest.raises(DomainError) as info:
            queue_page(queue_triage(), queue="triage", cursor=bad)
        assert info.value.code == "invalid_cursor"
        assert "first page" in info.value.message
    other = cursor_encode(["platform", 10, 2, None, datetime(2026, 1, 1, tzinfo=T0.tzinfo), 1])
    with pytest.raises(DomainError) as info:
        queue_page(queue_triage(), queue="triage", cursor=other)
    assert "platform" in info.value.message
