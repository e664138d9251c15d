from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from successdesk.accounts import services as accounts
from successdesk.accounts.models import Customer, User
from successdesk.accounts.roles import Role
from successdesk.accounts.services import token_create
from successdesk.packages.models import UsageCounter
from tests.conftest import PASSWORD, bearer


@pytest.fixture
def specialist(db: None) -> User:
    return accounts.user_ensure(
        email="specialist@vendor.example",
        password=PASSWORD,
        full_name="Sam Specialist",
        roles=[Role.SPECIALIST],
    )


@pytest.fixture
def api(premier_northwind: Customer, northwind_user: User) -> Client:
    return Client(headers=bearer(token_create(email=northwind_user.email)))


def use(customer: Customer, month: date, used: int, pool: str = "admin_task") -> None:
    UsageCounter.objects.update_or_create(
        customer=customer, pool=pool, month=month, defaults={"used": used}
    )


def post(client: Client, body: Any, **headers: str) -> Any:
    return client.post(
        "/api/v1/service-requests", body, content_type="application/json", headers=headers
    )
