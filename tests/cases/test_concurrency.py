from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from successdesk.accounts import services as accounts
from successdesk.cases.models import Case
from successdesk.intake.services import CaseDraft, case_open_api
from successdesk.packages.catalog import catalog_load
from tests.conftest import subscribe


@pytest.mark.django_db(transaction=True)
def test_50_concurrent_intakes_get_50_distinct_numbers() -> None:
    catalog_load()
    customer = accounts.customer_ensure(name="Northwind")
    subscribe(customer, "premier-success")
    user = accounts.user_ensure(
        email="user@northwind.example", password="x" * 20, customer=customer
    )
    start = threading.Barrier(10)

    def intake(n: int) -> str:
        try:
            if n < 10:
                start.wait(timeout=10)
            case = case_open_api(
                requester=user,
                draft=CaseDraft(subject=f"Case {n}", description="Concurrent", severity=3),
            )
            return case.number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(intake, range(50)))
    assert len(set(numbers)) == 50
    assert Case.objects.count() == 50
    assert sorted(numbers) == [f"CS-{n:06d}" for n in range(1, 51)]
    print(f"{connection.vendor}: 50 intakes, 50 distinct numbers")
