"""Fixtures of the designated-contact tests: a trained designated contact of Northwind
(on Premier Success) and the portal signed in as them."""

from __future__ import annotations

import pytest
from django.test import Client

from successdesk.accounts.models import Customer, User
from tests.conftest import signed_in
from tests.rostering import designate, subscribe, trained


@pytest.fixture
def dc(northwind: Customer) -> User:
    subscribe(northwind)
    contact = trained(northwind, "dc@northwind.example", "Nadia Designated")
    designate(northwind, contact)
    return contact


@pytest.fixture
def portal(dc: User) -> Client:
    return signed_in(dc)
