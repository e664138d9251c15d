"""The tenant-isolation matrix, generated from the URL configuration and the OpenAPI
document: every page and endpoint × every role × an object of another customer.

Contoso's people probe Northwind's objects: they get 404 (or 401/403/405 where the role
or method is wrong) and never a byte of Northwind's data. Staff may see customers' objects
in the console but never through the customer portal; nobody ever gets a 5xx. A route
with a parameter the matrix does not know fails the test, so new endpoints are covered
without anyone remembering.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from successdesk.accounts.models import SupportTeam, User
from successdesk.accounts.services import token_create, user_ensure
from successdesk.cases.conversation import comment_add
from successdesk.cases.models import Attachment, Case
from successdesk.cases.remote_access import remote_access_request
from successdesk.cases.senders import confirmation_token
from successdesk.contacts.models import DesignatedContact
from successdesk.intake.services import CaseDraft, case_open_contact_form, case_open_portal
from successdesk.library.models import ContentItem
from successdesk.ops.demo import DEMO_PASSWORD, load_demo
from successdesk.service_requests.models import ServiceRequest, ServiceRequestAttachment
from successdesk.service_requests.services import service_request_submit

SECRET = "NORTHWIND-SECRET-7Q4"
INTERNAL = "INTERNAL-NOTE-SECRET-9K2"
STAFF = [
    "triage@vendor.example",
    "agent@vendor.example",
    "specialist@vendor.example",
    "admin@vendor.example",
]
CUSTOMERS = ["dc@contoso.example", "plain@contoso.example"]
ROLES = ["anonymous", *CUSTOMERS, *STAFF]


def routes() -> Iterator[tuple[str, str]]:
    """(route, name) for every page of the URL configuration, except the Django admin and
    the API (covered from its OpenAPI document)."""

    def walk(patterns: Any, prefix: str, namespace: str | None) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    pattern.namespace or namespace,
                )
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                yield prefix + str(pattern.pattern), name

    for route, name in walk(get_resolver().url_patterns, "/", None):
        if not route.startswith(("/admin/", "/api/")):
            yield route, name


def build_world() -> dict[str, Any]:
    load_demo()
    northwind_dc = User.objects.get(email="dc@northwind.example")
    contoso = User.objects.get(email="dc@contoso.example").customer
    user_ensure(email="plain@contoso.example", password=DEMO_PASSWORD, customer=contoso)
    agent = User.objects.get(email="agent@vendor.example")
    case = case_open_portal(
        requester=northwind_dc,
        draft=CaseDraft(
            subject=f"{SECRET} case",
            description=f"{SECRET} description",
            severity=3,
            attachments=[SimpleUploadedFile("secret.txt", SECRET.encode())],
        ),
    )
    comment_add(case=case, author=agent, body=INTERNAL, internal=True)
    grant = remote_access_request(
        case=case, by=agent, target="application", reason=SECRET, duration=timedelta(hours=1)
    )
    request = service_request_submit(
        requester=northwind_dc,
        kind="csv_import",
        details=f"{SECRET} request",
        attachments=[SimpleUploadedFile("secret.csv", f"email\n{SECRET}@x\n".encode())],
    )
    # A public message giving a Northwind user's address: its confirmation link is for
    # whoever holds it, and shows nothing of what the sender wrote.
    spoof = case_open_contact_form(
        draft=CaseDraft(
            subject="A message to confirm",
            description=f"{SECRET} sent in Northwind's name",
            severity=3,
            requester_email=northwind_dc.email,
        ),
    )
    return {
        "case": case,
        "confirmation": confirmation_token(spoof),
        "attachment": Attachment.objects.get(case=case),
        "grant": grant,
        "request": request,
        "request_attachment": ServiceRequestAttachment.objects.get(request=request),
        "customer": northwind_dc.customer,
        "designation": DesignatedContact.objects.get(user=northwind_dc, removed_at__isnull=True),
        "user": northwind_dc,
        "team": SupportTeam.objects.order_by("pk").first(),
        "library": ContentItem.objects.order_by("pk").first(),
    }


def value_for(name: str, param: str, world: dict[str, Any]) -> str:
    """The other customer's object a parameter names (by route name, then parameter)."""
    by_route = {
        ("attachment", "pk"): world["attachment"].pk,
        ("service_request_attachment", "pk"): world["request_attachment"].pk,
        ("service_request", "pk"): world["request"].pk,
        ("service_request", "number"): world["request"].number,
        ("service_request_advance", "pk"): world["request"].pk,
        ("service_request_assign", "pk"): world["request"].pk,
        ("remote_access", "pk"): world["grant"].pk,
        ("customer", "pk"): world["customer"].pk,
        ("account_contact_remove", "pk"): world["designation"].pk,
        ("help_confirm", "token"): world["confirmation"],
    }
    short = name.split(":")[-1]
    for (fragment, key), value in by_route.items():
        if key == param and short.startswith(fragment):
            return str(value)
    by_param = {
        "uidb64": "MQ",  # the password-reset link: not a customer's object
        "token": "set-password",
        "number": world["case"].number,
        "user_id": world["user"].pk,
        "contact_pk": world["designation"].pk,
        "contact_id": world["designation"].pk,
        "slug": world["team"].slug if "queue" in short else world["library"].slug,
    }
    if param not in by_param:
        pytest.fail(f"{name}: no test object for parameter <{param}>; add it to value_for()")
    return str(by_param[param])


def fill(route: str, name: str, world: dict[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        return value_for(name, match.group(2), world)

    return re.sub(r"<(?:(\w+):)?(\w+)>", one, route)


def client_for(role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(User.objects.get(email=role))
    return client


def leaks(body: bytes) -> bool:
    return SECRET.encode() in body or INTERNAL.encode() in body


@pytest.mark.slow
def test_no_page_shows_another_customers_data_to_any_role(db: None, media_root: Any) -> None:
    world = build_world()
    failures: list[str] = []
    for route, name in routes():
        url = fill(route, name, world)
        # Library items are the vendor's, and a password-reset link names no customer; a
        # sender's confirmation link is the same page for whoever holds it.
        has_object = "<" in route and not name.startswith(
            ("portal:library", "password_reset", "help_confirm")
        )
        for role in ROLES:
            client = client_for(role)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                status = response.status_code
                body = (
                    response.content
                    if not response.streaming
                    else b"".join(response.streaming_content)
                )
                where = f"{method.upper()} {url} ({name}) as {role}: {status}"
                if status >= 500:
                    failures.append(f"{where} — server error")
                if role == "anonymous":
                    if route.startswith(("/portal/", "/console/")) and status not in (
                        302,
                        404,
                        405,
                    ):
                        failures.append(f"{where} — anonymous not sent to sign in")
                    if leaks(body):
                        failures.append(f"{where} — leaked data")
                elif role in CUSTOMERS:
                    if leaks(body):
                        failures.append(f"{where} — leaked another customer's data")
                    if has_object and status not in (302, 403, 404, 405):
                        failures.append(f"{where} — expected 404 for another customer's object")
                    if route.startswith("/console/") and status not in (302, 404, 405):
                        failures.append(f"{where} — a customer reached the console")
                else:
                    if route.startswith("/portal/") and status not in (302, 404, 405):
                        failures.append(f"{where} — staff reached the customer portal")
    # Nothing of Northwind was changed by all those POSTs.
    case = Case.objects.get(pk=world["case"].pk)
    assert case.status == world["case"].status
    assert ServiceRequest.objects.get(pk=world["request"].pk).status == world["request"].status
    assert DesignatedContact.objects.get(pk=world["designation"].pk).removed_at is None
    assert User.objects.get(pk=world["user"].pk).email == "dc@northwind.example"
    assert not failures, "\n".join(failures)


def example(schema: dict[str, Any], spec: dict[str, Any]) -> Any:
    """A minimal valid value for a JSON schema (required members only)."""
    if "$ref" in schema:
        return example(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]], spec)
    if "anyOf" in schema or "oneOf" in schema:
        return example((schema.get("anyOf") or schema["oneOf"])[0], spec)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {key: example(props[key], spec) for key in schema.get("required", [])}
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "array":
        return []
    if kind == "boolean":
        return False
    return "x" * max(1, schema.get("minLength", 1))


@pytest.mark.slow
def test_no_api_endpoint_shows_another_customers_data_to_any_role(
    db: None, media_root: Any
) -> None:
    world = build_world()
    spec = Client().get("/api/v1/openapi.json").json()
    tokens = {role: token_create(email=role) for role in ROLES if role != "anonymous"}
    failures: list[str] = []
    for path, operations in spec["paths"].items():
        owner = "service_request" if "service-requests" in path else path
        url = re.sub(r"\{(\w+)\}", lambda m, o=owner: value_for(o, m.group(1), world), path)
        for method, operation in operations.items():
            body = None
            if "requestBody" in operation:
                content = operation["requestBody"]["content"]["application/json"]
                body = example(content["schema"], spec)
            for role in ROLES:
                headers = {} if role == "anonymous" else {"Authorization": f"Bearer {tokens[role]}"}
                response = (
                    getattr(Client(), method)(
                        url, body, content_type="application/json", headers=headers
                    )
                    if body is not None
                    else getattr(Client(), method)(url, headers=headers)
                )
                status = response.status_code
                where = f"{method.upper()} {url} as {role}: {status}"
                if status >= 500:
                    failures.append(f"{where} — server error")
                if role == "anonymous" and status != 401:
                    failures.append(f"{where} — expected 401")
                if role in CUSTOMERS:
                    if leaks(response.content):
                        failures.append(f"{where} — leaked another customer's data")
                    if "{" in path and status not in (403, 404, 405):
                        failures.append(f"{where} — expected 404 for another customer's object")
                if (
                    role in STAFF
                    and INTERNAL.encode() in response.content
                    and "comments" not in response.json()
                ):
                    failures.append(f"{where} — internal note outside the staff thread")
    assert not failures, "\n".join(failures)


@pytest.mark.slow
def test_internal_notes_and_staff_fields_never_reach_the_customer(
    db: None, media_root: Any
) -> None:
    world = build_world()
    owner = client_for("dc@northwind.example")
    page = owner.get(f"/portal/cases/{world['case'].number}/").content
    assert SECRET.encode() in page  # their own case
    assert INTERNAL.encode() not in page
    token = token_create(email="dc@northwind.example")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    answer = api.get(f"/api/v1/cases/{world['case'].number}").content
    assert SECRET.encode() in answer and INTERNAL.encode() not in answer
    for field in (b"sla_clocks", b"routing_priority", b"assignee", b"exclusions"):
        assert field not in answer
