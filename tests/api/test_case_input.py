"""What POST /api/v1/cases accepts: strict types, the form's categories, and a customer
named by vendor staff."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from successdesk.accounts.models import Customer, User
from successdesk.accounts.roles import Role
from successdesk.accounts.services import token_create, user_ensure
from successdesk.cases.forms import CaseForm
from successdesk.cases.models import Case
from tests.conftest import PASSWORD, bearer

GOOD = {"subject": "Points not awarded", "description": "Challenge done, no points.", "severity": 2}


def api_for(user: User) -> Client:
    return Client(headers=bearer(token_create(email=user.email)))


def post(client: Client, body: Any, url: str = "/api/v1/cases") -> Any:
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def customer_api(premier_northwind: Customer, northwind_user: User) -> Client:
    return api_for(northwind_user)


@pytest.mark.parametrize("severity", [True, 3.0, 2.0, 1.0])
def test_a_severity_that_is_not_the_integer_1_to_4_is_a_validation_error(
    customer_api: Client, severity: Any
) -> None:
    response = post(customer_api, {**GOOD, "severity": severity})
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert problem["field"] == "severity"
    assert Case.objects.count() == 0


def minimal(schema: dict[str, Any], spec: dict[str, Any]) -> Any:
    """A valid value for a JSON schema of the document (required members only)."""
    if "$ref" in schema:
        return minimal(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]], spec)
    if "anyOf" in schema or "oneOf" in schema:
        return minimal((schema.get("anyOf") or schema["oneOf"])[0], spec)
    if "enum" in schema:
        return schema["enum"][-1]
    if schema.get("type") == "object":
        props = schema.get("properties", {})
        return {key: minimal(props[key], spec) for key in schema.get("required", [])}
    return {"integer": 2, "boolean": False, "array": []}.get(schema.get("type", ""), "text")


def test_no_request_body_takes_a_boolean_or_a_float_for_an_integer(
    customer_api: Client,
) -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    tried = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            for variant in schema.get("oneOf", [schema]):
                body = minimal(variant, spec)
                model = spec["components"]["schemas"][variant["$ref"].rsplit("/", 1)[-1]]
                for name, member in model["properties"].items():
                    if "integer" not in {s.get("type") for s in member.get("anyOf", [member])}:
                        continue
                    for wrong in (True, 2.0):
                        url = path.replace("{number}", "CS-000001")
                        response = getattr(customer_api, method)(
                            url, {**body, name: wrong}, content_type="application/json"
                        )
                        where = f"{method} {path} {name}={wrong!r}"
                        assert response.status_code == 422, where
                        assert response.json()["code"] == "validation_error", where
                        assert response.json()["field"] == name, where
                        tried += 1
    assert tried == 10  # severity, customer, user_id, from_id, to_user_id, each twice


@pytest.mark.parametrize("category", ["anything", "campaign", "", "BUG"])
def test_a_category_the_web_form_does_not_offer_is_a_validation_error(
    customer_api: Client, category: Any
) -> None:
    response = post(customer_api, {**GOOD, "category": category})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["field"] == "category"
    assert Case.objects.count() == 0


def test_every_category_of_the_web_form_is_accepted_and_stored(customer_api: Client) -> None:
    offered = [value for value, _ in CaseForm().fields["category"].choices if value]
    assert len(offered) == 7
    for category in offered:
        response = post(customer_api, {**GOOD, "category": category})
        assert response.status_code == 201, response.json()
        assert Case.objects.get(number=response.json()["number"]).category == category
    spec = Client().get("/api/v1/openapi.json").json()
    assert (
        spec["components"]["schemas"]["CaseIn"]["properties"]["category"]["anyOf"][0]["enum"]
        == offered
    )


@pytest.mark.parametrize(
    "email", ["triage@vendor.example", "agent@vendor.example", "admin@vendor.example"]
)
def test_staff_open_a_case_for_the_customer_they_name(
    premier_northwind: Customer, email: str
) -> None:
    role = {"triage": Role.TRIAGE_AGENT, "agent": Role.SUPPORT_AGENT, "admin": Role.ADMIN}[
        email.split("@")[0]
    ]
    staff = user_ensure(email=email, password=PASSWORD, roles=[role])
    unnamed = post(api_for(staff), GOOD)
    assert unnamed.status_code == 422
    assert unnamed.json()["field"] == "customer"
    assert "`customer`" in unnamed.json()["detail"]  # says which member to give
    response = post(api_for(staff), {**GOOD, "customer": premier_northwind.pk})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["customer"] == "Northwind"
    assert body["channel"] == "api"
    case = Case.objects.get(number=body["number"])
    assert case.customer == premier_northwind
    assert case.created_by == staff
    assert case.routing_priority == 10  # the customer's package, as on any intake
    assert case.first_response_due_at is not None


def test_staff_naming_an_unknown_or_inactive_customer_get_404(
    premier_northwind: Customer, support_agent: User
) -> None:
    missing = post(api_for(support_agent), {**GOOD, "customer": premier_northwind.pk + 100})
    assert missing.status_code == 404
    assert missing.json()["field"] == "customer"
    Customer.objects.filter(pk=premier_northwind.pk).update(is_active=False)
    inactive = post(api_for(support_agent), {**GOOD, "customer": premier_northwind.pk})
    assert inactive.status_code == 404
    assert Case.objects.count() == 0


def test_staff_opening_for_a_customer_get_the_same_severity_1_refusal(
    premier_northwind: Customer, triage_agent: User
) -> None:
    response = post(
        api_for(triage_agent), {**GOOD, "severity": 1, "customer": premier_northwind.pk}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "severity_1_requires_phone"
    assert Case.objects.count() == 0


def test_a_specialist_does_not_open_cases_for_customers(premier_northwind: Customer) -> None:
    specialist = user_ensure(
        email="specialist@vendor.example", password=PASSWORD, roles=[Role.SPECIALIST]
    )
    response = post(api_for(specialist), {**GOOD, "customer": premier_northwind.pk})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Case.objects.count() == 0


def test_a_customer_user_cannot_open_a_case_for_another_customer(
    customer_api: Client, standard_contoso: Customer, premier_northwind: Customer
) -> None:
    other = post(customer_api, {**GOOD, "customer": standard_contoso.pk})
    assert other.status_code == 422
    assert other.json()["field"] == "customer"
    assert Case.objects.count() == 0
    own = post(customer_api, {**GOOD, "customer": premier_northwind.pk})
    assert own.status_code == 201
    assert Case.objects.get().customer == premier_northwind
