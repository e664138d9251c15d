"""A client generated from /api/v1/openapi.json (openapi-python-client) gets everything
typed: it type-checks under mypy --strict, and against the live server each answer,
refusals included, parses into its own model."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ninja.responses import NinjaJSONEncoder

from successdesk.accounts.models import Customer, User
from successdesk.accounts.services import token_create
from successdesk.api.base import api

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
USAGE = """
from successdesk_client import AuthenticatedClient
from successdesk_client.api.cases import cases_create
from successdesk_client.api.service_requests import service_requests_create
from successdesk_client.models import (
    CaseDetailOut, CaseIn, CaseInCategory, CaseInSeverity, CaseStatus, FairUsageProblem,
    Severity1Problem, ServiceRequestDetailOut, ServiceRequestIn, ServiceRequestInKind,
)


def open_case(client: AuthenticatedClient, severity: CaseInSeverity) -> CaseStatus | str:
    body = CaseIn(subject="Sync stopped", description="Since 02:00.", severity=severity,
                  category=CaseInCategory.INTEGRATION)
    answer = cases_create.sync(client=client, body=body, idempotency_key="k-1")
    if isinstance(answer, CaseDetailOut):
        return answer.status
    if isinstance(answer, Severity1Problem):
        return answer.phone + answer.phone_hours + str(answer.phone_open_now)
    return ""


def submit(client: AuthenticatedClient) -> int:
    body = ServiceRequestIn(kind=ServiceRequestInKind.CSV_IMPORT, details="Import")
    answer = service_requests_create.sync(client=client, body=body)
    if isinstance(answer, ServiceRequestDetailOut):
        return len(answer.number)
    if isinstance(answer, FairUsageProblem):
        return answer.limit - answer.used + answer.resets_at.year
    return 0
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The client package generated from the document, on sys.path while the tests run."""
    where = tmp_path_factory.mktemp("client")
    document = where / "openapi.json"
    document.write_text(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
    config = where / "config.yaml"
    config.write_text(
        "post_hooks: []\nproject_name_override: successdesk-client\n"
        "package_name_override: successdesk_client\n"
    )
    subprocess.run(
        [BIN / "openapi-python-client", "generate", "--path", document, "--config", config,
         "--meta", "none", "--output-path", where / "successdesk_client"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    sys.path.insert(0, str(where))
    try:
        yield where
    finally:
        sys.path.remove(str(where))
        for name in [m for m in sys.modules if m.startswith("successdesk_client")]:
            del sys.modules[name]


def test_code_using_the_generated_client_type_checks_strictly(generated: Path) -> None:
    script = generated / "usage.py"
    script.write_text(USAGE)
    checked = subprocess.run(
        [BIN / "mypy", "--strict", "--follow-imports=silent", "--no-incremental",
         "--config-file=/dev/null", script],
        capture_output=True, text=True, cwd=generated, timeout=300,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_generated_client_gets_typed_answers_from_the_live_server(
    generated: Path,
    live_server: Any,
    premier_northwind: Customer,
    northwind_user: User,
    support_agent: User,
    media_root: Any,
) -> None:
    from successdesk_client import AuthenticatedClient
    from successdesk_client.api.cases import cases_create, cases_get
    from successdesk_client.api.me import me_get
    from successdesk_client.api.service_requests import service_requests_create
    from successdesk_client.models import (
        CaseDetailOut,
        CaseIn,
        CaseInCategory,
        CaseInSeverity,
        CaseStatus,
        Channel,
        FairUsageProblem,
        MeOut,
        ServiceRequestDetailOut,
        ServiceRequestIn,
        ServiceRequestInKind,
        Severity1Problem,
    )

    customer = AuthenticatedClient(
        base_url=live_server.url, token=token_create(email=northwind_user.email)
    )
    staff = AuthenticatedClient(
        base_url=live_server.url, token=token_create(email=support_agent.email)
    )

    me = me_get.sync(client=customer)
    assert isinstance(me, MeOut) and me.email == northwind_user.email

    body = CaseIn(
        subject="Sync stopped",
        description="Since 02:00.",
        severity=CaseInSeverity.VALUE_2,
        category=CaseInCategory.INTEGRATION,
    )
    opened = cases_create.sync(client=customer, body=body, idempotency_key="gen-1")
    assert isinstance(opened, CaseDetailOut)
    assert opened.status is CaseStatus.NEW and opened.channel is Channel.API
    again = cases_get.sync(client=customer, number=opened.number)
    assert isinstance(again, CaseDetailOut) and again.number == opened.number

    body.severity = CaseInSeverity.VALUE_1
    refused = cases_create.sync(client=customer, body=body)
    assert isinstance(refused, Severity1Problem)
    assert refused.phone and refused.phone_hours and isinstance(refused.phone_open_now, bool)

    for_customer = CaseIn(
        subject="Logged for them",
        description="Opened by staff.",
        severity=CaseInSeverity.VALUE_3,
        customer=premier_northwind.pk,
    )
    logged = cases_create.sync(client=staff, body=for_customer)
    assert isinstance(logged, CaseDetailOut) and logged.customer == "Northwind"

    answers = [
        service_requests_create.sync(
            client=customer,
            body=ServiceRequestIn(kind=ServiceRequestInKind.CSV_IMPORT, details=f"Import {n}"),
        )
        for n in range(8)
    ]
    assert isinstance(answers[0], ServiceRequestDetailOut)
    assert answers[0].kind.value == "csv_import"
    limited = answers[-1]
    assert isinstance(limited, FairUsageProblem)
    assert limited.used >= limited.limit and limited.resets_at.tzinfo is not None
