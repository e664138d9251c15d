"""The OpenAPI document says what the server accepts and answers: short operation ids, the
Idempotency-Key header, "exactly one of" as a oneOf, enums in answers, and each refusal's
own members typed, checked against real answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from jsonschema_rs import Draft202012Validator

from successdesk.accounts.models import Customer, User
from successdesk.accounts.services import token_create
from tests.conftest import bearer
from tests.rostering import designate, subscribe, trained

GOOD = {"subject": "Points not awarded", "description": "Challenge done, no points.", "severity": 2}
OPERATION_IDS = {
    ("get", "/api/v1/me"): "me_get",
    ("get", "/api/v1/entitlements"): "entitlements_get",
    ("get", "/api/v1/designated-contacts"): "contacts_list",
    ("post", "/api/v1/designated-contacts"): "contacts_add",
    ("post", "/api/v1/designated-contacts/transfer"): "contacts_transfer",
    ("delete", "/api/v1/designated-contacts/{contact_id}"): "contacts_remove",
    ("post", "/api/v1/cases"): "cases_create",
    ("get", "/api/v1/cases"): "cases_list",
    ("get", "/api/v1/cases/{number}"): "cases_get",
    ("post", "/api/v1/cases/{number}/comments"): "cases_comment_create",
    ("get", "/api/v1/queue"): "queue_get",
    ("post", "/api/v1/service-requests"): "service_requests_create",
    ("get", "/api/v1/service-requests"): "service_requests_list",
    ("get", "/api/v1/service-requests/usage"): "service_requests_usage",
    ("get", "/api/v1/service-requests/{number}"): "service_requests_get",
}
# POSTs that are idempotent by nature (a repeat answers 200 with the same record).
NATURALLY_IDEMPOTENT = {"/api/v1/designated-contacts", "/api/v1/designated-contacts/transfer"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return dict(Client().get("/api/v1/openapi.json").json())


def component(spec: dict[str, Any], name: str) -> dict[str, Any]:
    return dict(spec["components"]["schemas"][name])


def answer_schema(spec: dict[str, Any], method: str, path: str, status: int) -> dict[str, Any]:
    content = spec["paths"][path][method]["responses"][str(status)]["content"]
    return dict(next(iter(content.values()))["schema"])


def valid(spec: dict[str, Any], schema: dict[str, Any], body: Any) -> list[str]:
    """Errors of ``body`` against ``schema`` (with the document's components)."""
    validator = Draft202012Validator({**schema, "components": spec["components"]})
    return [e.message for e in validator.iter_errors(body)]


def test_operation_ids_are_short_and_stable(spec: dict[str, Any]) -> None:
    found = {
        (method, path): operation["operationId"]
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
    }
    assert found == OPERATION_IDS


def test_every_post_that_creates_declares_the_idempotency_key_header(spec: dict[str, Any]) -> None:
    creating = [
        (path, operation)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if method == "post" and path not in NATURALLY_IDEMPOTENT
    ]
    assert len(creating) == 3
    for path, operation in creating:
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        assert [(h["name"], h["required"]) for h in headers] == [("Idempotency-Key", False)], path
        assert headers[0]["schema"] == {
            "type": "string",
            "maxLength": 200,
            "title": "Idempotency-Key",
            "description": headers[0]["description"],
        }


def test_naming_a_designated_contact_takes_exactly_one_of_user_id_or_email(
    spec: dict[str, Any],
) -> None:
    body = spec["paths"]["/api/v1/designated-contacts"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    assert len(schema["oneOf"]) == 2
    for good in ({"user_id": 3}, {"email": "ann@northwind.example"}):
        assert not valid(spec, schema, good)
    for bad in ({}, {"user_id": 3, "email": "ann@northwind.example"}, {"user_id": None}):
        assert valid(spec, schema, bad)


def test_answers_use_the_same_enums_as_the_requests(spec: dict[str, Any]) -> None:
    case = component(spec, "CaseOut")["properties"]
    assert component(spec, "CaseStatus")["enum"] == [
        "new",
        "triaged",
        "in_progress",
        "awaiting_customer",
        "resolved",
        "closed",
    ]
    assert case["status"] == {"$ref": "#/components/schemas/CaseStatus"}
    assert case["severity"]["enum"] == component(spec, "CaseIn")["properties"]["severity"]["enum"]
    assert component(spec, "Channel")["enum"] == ["web", "phone", "api"]
    request = component(spec, "ServiceRequestOut")["properties"]
    asked = component(spec, "ServiceRequestIn")["properties"]["kind"]
    assert request["kind"]["enum"] == asked["enum"]
    assert request["status"] == {"$ref": "#/components/schemas/RequestStatus"}
    assert component(spec, "QueueItemOut")["properties"]["status"] == case["status"]


def test_every_problem_schema_is_closed(spec: dict[str, Any]) -> None:
    """An undeclared member in an error answer is a schema violation the fuzz tests see."""
    for name in ("Problem", "ValidationProblem", "Severity1Problem", "FairUsageProblem"):
        assert component(spec, name)["additionalProperties"] is False
    undeclared = {"title": "t", "status": 422, "detail": "d", "code": "x", "phone": "1"}
    assert valid(spec, {"$ref": "#/components/schemas/Problem"}, undeclared)


def test_the_severity_1_refusal_is_typed_with_its_phone_members(
    spec: dict[str, Any], premier_northwind: Customer, northwind_user: User
) -> None:
    api = Client(headers=bearer(token_create(email=northwind_user.email)))
    response = api.post("/api/v1/cases", {**GOOD, "severity": 1}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    typed = component(spec, "Severity1Problem")
    assert {"phone", "phone_hours", "phone_open_now"} <= set(typed["required"])
    assert typed["properties"]["phone_open_now"]["type"] == "boolean"
    assert not valid(spec, typed, body)
    assert not valid(spec, answer_schema(spec, "post", "/api/v1/cases", 422), body)
    refs = [s["$ref"] for s in answer_schema(spec, "post", "/api/v1/cases", 422)["anyOf"]]
    assert "#/components/schemas/Severity1Problem" in refs


def test_the_fair_usage_refusal_is_typed_with_its_quota_members(
    spec: dict[str, Any], premier_northwind: Customer, northwind_user: User
) -> None:
    api = Client(headers=bearer(token_create(email=northwind_user.email)))
    for n in range(20):
        response = api.post(
            "/api/v1/service-requests",
            {"kind": "csv_import", "details": f"Import {n}"},
            content_type="application/json",
        )
        if response.status_code == 429:
            break
    assert response.status_code == 429
    body = response.json()
    typed = component(spec, "FairUsageProblem")
    assert {"limit", "used", "extra_granted", "resets_at", "kind"} <= set(typed["required"])
    assert typed["properties"]["resets_at"]["format"] == "date-time"
    assert not valid(spec, typed, body)
    assert not valid(spec, answer_schema(spec, "post", "/api/v1/service-requests", 429), body)


def test_the_not_entitled_refusal_is_typed(
    spec: dict[str, Any], standard_contoso: Customer, contoso_user: User
) -> None:
    api = Client(headers=bearer(token_create(email=contoso_user.email)))
    response = api.post(
        "/api/v1/service-requests",
        {"kind": "csv_import", "details": "Import"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not valid(spec, component(spec, "NotEntitledProblem"), response.json())
    assert not valid(
        spec, answer_schema(spec, "post", "/api/v1/service-requests", 403), response.json()
    )


def test_a_validation_error_is_typed_with_its_field_errors(
    spec: dict[str, Any], premier_northwind: Customer, northwind_user: User
) -> None:
    api = Client(headers=bearer(token_create(email=northwind_user.email)))
    response = api.post("/api/v1/cases", {"severity": True}, content_type="application/json")
    assert response.status_code == 422
    assert not valid(spec, component(spec, "ValidationProblem"), response.json())


def test_the_fee_confirmation_refusal_is_typed(spec: dict[str, Any], northwind: Customer) -> None:
    subscribe(northwind)
    dc = trained(northwind, "dc@northwind.example", "Nadia Designated")
    designate(northwind, dc)
    api = Client(headers=bearer(token_create(email=dc.email)))
    url = "/api/v1/designated-contacts"
    for n in range(2, 7):
        email = trained(northwind, f"c{n}@northwind.example").email
        response = api.post(url, {"email": email}, content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "fee_confirmation_required"
    assert not valid(spec, component(spec, "FeeConfirmationProblem"), body)
    assert not valid(spec, answer_schema(spec, "post", url, 409), body)
