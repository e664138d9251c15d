"""The page layer's shared mechanisms (`successdesk.web`): who may open a portal or console
page, and the CSV downloads' formula neutralising."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from successdesk.accounts.models import Customer, User
from successdesk.accounts.roles import Role
from successdesk.contacts.models import DesignatedContact, DesignatedContactFee
from successdesk.web import csv_cell, csv_response, staff_only
from tests.conftest import designate, signed_in


def _pages(prefix: str) -> Iterator[str]:
    """Every route under ``prefix``, its parameters filled with a value of the right shape."""

    def walk(patterns: Any, path: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, path + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield path + str(pattern.pattern)

    for route in walk(get_resolver().url_patterns, "/"):
        if route.startswith(prefix):
            yield re.sub(
                r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x", route
            )


PORTAL = sorted(_pages("/portal/"))
CONSOLE = sorted(_pages("/console/"))


def test_the_route_lists_cover_the_portal_and_the_console() -> None:
    assert len(PORTAL) > 15
    assert len(CONSOLE) > 25


def test_an_anonymous_visitor_is_sent_to_sign_in_from_every_page(db: None) -> None:
    client, sign_in = Client(), reverse("login")
    wrong = {
        (method, path): response.status_code
        for path in PORTAL + CONSOLE
        for method in ("get", "post")
        if (response := getattr(client, method)(path)).status_code != 302
        or not response["Location"].startswith(f"{sign_in}?next=")
    }
    assert wrong == {}


def test_vendor_staff_get_404_on_every_portal_page(admin_user: User) -> None:
    client = signed_in(admin_user)
    wrong = {
        (method, path): status
        for path in PORTAL
        for method in ("get", "post")
        if (status := getattr(client, method)(path).status_code) != 404
    }
    assert wrong == {}


def test_customer_users_get_404_on_every_console_page(northwind_user: User) -> None:
    client = signed_in(northwind_user)
    wrong = {
        (method, path): status
        for path in CONSOLE
        for method in ("get", "post")
        if (status := getattr(client, method)(path).status_code) != 404
    }
    assert wrong == {}


def test_pages_are_never_cached(northwind_user: User, admin_user: User) -> None:
    for client, path in (
        (signed_in(northwind_user), "/portal/"),
        (signed_in(admin_user), "/console/"),
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_a_csv_cell_that_a_spreadsheet_would_run_as_a_formula_is_quoted(prefix: str) -> None:
    assert csv_cell(f"{prefix}HYPERLINK(1)") == f"'{prefix}HYPERLINK(1)"


@pytest.mark.parametrize("value", ["Northwind", "1=1", " =1", "", "a@b.example", 42])
def test_other_csv_cells_are_kept_as_they_are(value: object) -> None:
    assert csv_cell(value) == str(value)


def test_a_csv_response_is_a_download_with_every_cell_neutralised() -> None:
    response = csv_response("report", ["=head", "b"], [["=1+1", 5], ["@x", "-3"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="report.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["'=head", "b"], ["'=1+1", "5"], ["'@x", "'-3"]]


def test_the_fee_export_neutralises_names_that_are_formulas(
    northwind: Customer, northwind_user: User, admin_user: User
) -> None:
    northwind.name = '=HYPERLINK("http://evil.example")'
    northwind.save()
    northwind_user.full_name = "-2+3"
    northwind_user.save()
    designate(northwind_user)
    DesignatedContactFee.objects.create(
        customer=northwind,
        user=northwind_user,
        designation=DesignatedContact.objects.get(user=northwind_user),
        position=6,
        amount=Decimal("500.00"),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    response = signed_in(admin_user).get("/console/fees.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert (rows[0]["customer"], rows[0]["user_name"], rows[0]["amount"]) == (
        '\'=HYPERLINK("http://evil.example")',
        "'-2+3",
        "500.00",
    )


def _admins_page(request: Any) -> HttpResponse:
    return HttpResponse("for vendor admins")


def test_a_page_for_some_staff_roles_is_403_for_other_staff_and_404_for_customers(
    admin_user: User, support_agent: User, northwind_user: User
) -> None:
    page = staff_only(Role.ADMIN)(_admins_page)
    answers = {}
    for user in (admin_user, support_agent, northwind_user):
        request = RequestFactory().get("/console/x/")
        request.user = user
        try:
            answers[user.email] = page(request).status_code
        except PermissionDenied:
            answers[user.email] = 403
        except Http404:
            answers[user.email] = 404
    assert answers == {admin_user.email: 200, support_agent.email: 403, northwind_user.email: 404}
