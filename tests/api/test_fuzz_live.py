"""Schemathesis over the live server (a real HTTP server on loopback, pytest-django's
``live_server``), with every check, as a customer user and as vendor staff.

"Schema-valid data is accepted" runs too: a request the document allows may still be
refused by a business rule (Severity 1 must be phoned in, the fair-usage limit, another
customer's id…), each with its own 4xx and problem code, but never as invalid input —
``schema_valid_data_is_not_refused_as_invalid`` holds the server and the document to the
same idea of a valid request (except for floats such as `3.0`, which JSON Schema counts as
integers and the API's strict bodies refuse, as the issue asks). NUL characters are left
out of the generated strings: the server refuses them on purpose (400 ``null_character``,
docs/api.md).
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from ninja.responses import NinjaJSONEncoder
from schemathesis.config import SchemathesisConfig

from successdesk.accounts.models import Customer, User
from successdesk.accounts.services import token_create
from successdesk.api.base import api

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# Statuses a schema-valid request may get: business-rule refusals included (422 ones are
# then checked by schema_valid_data_is_not_refused_as_invalid).
ACCEPTABLE = ["2xx", "401", "403", "404", "409", "422", "429"]
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTABLE}},
        "generation": {"allow-x00": False},
    }
)
REFUSED_AS_INVALID = {"validation_error", "bad_request", "invalid_input"}


def _integral_floats(value: Any) -> bool:
    """Whether ``value`` holds a float such as ``3.0``: JSON Schema counts it an integer, the
    API does not (its bodies are strict: ``3.0`` is not a severity)."""
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, dict):
        return any(_integral_floats(v) for v in value.values())
    if isinstance(value, list):
        return any(_integral_floats(v) for v in value)
    return False


def schema_valid_data_is_not_refused_as_invalid(ctx: Any, response: Any, case: Any) -> None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code < 400:
        return
    if _integral_floats(case.body):
        return
    code = response.json().get("code")
    assert code not in REFUSED_AS_INVALID or _business_input_rule(code, response), (
        f"A schema-valid request was refused as invalid ({response.status_code} {code}): "
        f"{response.json().get('detail')}"
    )


def _business_input_rule(code: str, response: Any) -> bool:
    """An ``invalid_input`` that a rule outside the schema's reach gives (which customer a
    case is for; a page asked both by cursor and by offset; a key reused)."""
    return code == "invalid_input" and response.json().get("field") in {"customer", "offset"}


def _document() -> dict[str, Any]:
    """The OpenAPI document as the server serves it (read in process at collection: the
    live server starts per test; the requests go to it)."""
    return dict(json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder)))


schema = schemathesis.openapi.from_dict(_document(), config=CONFIG)


@pytest.fixture
def server(live_server: Any, media_root: Any) -> str:
    return str(live_server.url)


@pytest.fixture
def tokens(
    premier_northwind: Customer, northwind_user: User, support_agent: User
) -> dict[str, str]:
    return {
        "customer": token_create(email=northwind_user.email),
        "staff": token_create(email=support_agent.email),
    }


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def call_and_validate(case: Any, server: str, token: str) -> None:
    case.call_and_validate(
        base_url=server,
        headers={"Authorization": f"Bearer {token}"},
        additional_checks=[schema_valid_data_is_not_refused_as_invalid],
        timeout=30,
    )


@pytest.mark.slow
@schema.parametrize()
@FUZZ
def test_the_live_api_passes_every_schemathesis_check_as_a_customer(
    case: Any, server: str, tokens: dict[str, str]
) -> None:
    call_and_validate(case, server, tokens["customer"])


@pytest.mark.slow
@schema.parametrize()
@FUZZ
def test_the_live_api_passes_every_schemathesis_check_as_staff(
    case: Any, server: str, tokens: dict[str, str]
) -> None:
    call_and_validate(case, server, tokens["staff"])
