from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.utils import timezone

from successdesk.accounts import services as accounts
from successdesk.domain.fair_usage import FairUsageLimitReached
from successdesk.packages.catalog import catalog_load
from successdesk.packages.models import UsageCounter
from successdesk.service_requests.models import ServiceRequest
from successdesk.service_requests.services import month_of, service_request_submit
from tests.conftest import subscribe


@pytest.mark.django_db(transaction=True)
def test_with_4_used_30_simultaneous_submissions_give_exactly_1_success() -> None:
    catalog_load()
    customer = accounts.customer_ensure(name="Northwind")
    subscribe(customer, "premier-success")
    user = accounts.user_ensure(
        email="user@northwind.example", password="x" * 20, customer=customer
    )
    month = month_of(customer, timezone.now())[0]
    UsageCounter.objects.create(customer=customer, pool="admin_task", month=month, used=4)
    start = threading.Barrier(30)

    def submit(n: int) -> str:
        try:
            start.wait(timeout=20)
            service_request_submit(requester=user, kind="csv_import", details=f"Import {n}")
            return "ok"
        except FairUsageLimitReached:
            return "limit"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=30) as pool:
        outcomes = list(pool.map(submit, range(30)))
    assert outcomes.count("ok") == 1
    assert outcomes.count("limit") == 29
    assert ServiceRequest.objects.count() == 1
    assert UsageCounter.objects.get(customer=customer, pool="admin_task").used == 5
    print(f"{connection.vendor}: 30 submissions with 4 used, 1 accepted, 29 refused")
