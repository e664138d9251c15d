"""Schemathesis over /api/v1/openapi.json, in process: no 5xx, answers that match the
schema, every error response declared — for a customer user and for vendor staff."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from successdesk.accounts.models import Customer, User
from successdesk.accounts.services import token_create

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open() -> Iterator[None]:
    """Like Django's test client: the in-process WSGI calls must not close the connection
    that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(
    premier_northwind: Customer, northwind_user: User, support_agent: User
) -> dict[str, str]:
    return {
        "customer": token_create(email=northwind_user.email),
        "staff": token_create(email=support_agent.email),
    }


@pytest.mark.slow
@pytest.mark.parametrize("who", ["customer", "staff"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_never_fails_and_keeps_its_schema(
    case: Any, who: str, tokens: dict[str, str], media_root: Any
) -> None:
    # Every check but "schema-valid data is accepted": business rules refuse schema-valid
    # requests on purpose (Severity 1 over the API, fair-usage limits, another customer's
    # user...), each with a declared 4xx and a problem+json code.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {tokens[who]}"},
        excluded_checks=[positive_data_acceptance],
    )
