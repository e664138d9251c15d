"""Hypothesis for every form: each form that a page shows (found by reading the page, so
new forms are covered without anyone remembering) gets random and hostile values in its
fields; no answer is a 5xx."""

from __future__ import annotations

import os
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from successdesk.accounts.models import User
from successdesk.cases.models import Case
from successdesk.ops.demo import load_demo

EXAMPLES = int(os.environ.get("FORM_FUZZ_EXAMPLES", "12"))
HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "99999999999999999999",
        "1e309",
        "<script>x</script>",
        "' OR 1=1 --",
        "\x00",
        "😀" * 50,
        "a" * 30_000,
        "2026-02-30",
        "None",
        "[]",
        "{}",
        "../../etc/passwd",
    ]
)
VALUE = st.one_of(HOSTILE, st.text(max_size=300), st.integers().map(str))


class Forms(HTMLParser):
    """The POST forms of a page: (action, {field: [option values]})."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.forms.append((a.get("action", ""), {}))
        elif self.forms and tag in ("input", "textarea", "select") and a.get("name"):
            if a["name"] == "csrfmiddlewaretoken" or a.get("type") == "file":
                return
            kind = a.get("type")
            options = [a.get("value", "on")] if kind in ("hidden", "checkbox", "radio") else []
            self.forms[-1][1].setdefault(a["name"], []).extend(options)
            self._select = a["name"] if tag == "select" else None
        elif tag == "option" and self._select and self.forms:
            self.forms[-1][1][self._select].append(a.get("value", ""))


PAGES = {
    None: ["/login/", "/help/", "/password-reset/"],
    "dc@northwind.example": [
        "/portal/cases/new/",
        "/portal/cases/{case}/",
        "/portal/services/new/",
        "/portal/account/contacts/",
        "/portal/account/users/",
        "/portal/cases/",
    ],
    "triage@vendor.example": ["/console/phone/", "/console/cases/{case}/"],
    "agent@vendor.example": ["/console/cases/{case}/", "/console/services/usage/"],
    "admin@vendor.example": ["/console/training/import/", "/console/customers/{customer}/"],
}


def targets(case: Case) -> list[tuple[str | None, str, dict[str, list[str]]]]:
    found = []
    for email, pages in PAGES.items():
        client = Client()
        if email:
            client.force_login(User.objects.get(email=email))
        for page in pages:
            url = page.format(case=case.number, customer=case.customer_id)
            response = client.get(url)
            assert response.status_code == 200, url
            parser = Forms()
            parser.feed(response.content.decode())
            for action, fields in parser.forms:
                if "logout" not in action:
                    found.append((email, action or url, fields))
    return found


def fuzz_form(
    client: Client, action: str, fields: dict[str, list[str]], where: str, failures: list[str]
) -> None:
    strategy = st.fixed_dictionaries(
        {
            name: st.one_of(st.sampled_from(options), VALUE) if options else VALUE
            for name, options in fields.items()
        }
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(strategy)
    def post(data: dict[str, str]) -> None:
        response = client.post(action, data)
        if response.status_code >= 500:
            failures.append(f"{where}: {response.status_code} with {data!r}"[:500])

    post()


@pytest.mark.slow
def test_every_form_survives_random_and_hostile_input(db: None, media_root: Any) -> None:
    load_demo()
    case = (
        Case.objects.filter(
            customer__name="Northwind", requester__email="dc@northwind.example"
        ).first()
        or Case.objects.filter(customer__name="Northwind").first()
    )
    assert case is not None
    forms = targets(case)
    assert len(forms) >= 15, f"only {len(forms)} forms found"
    users = {email: User.objects.get(email=email) for email, _, _ in forms if email}
    failures: list[str] = []

    for email, action, fields in forms:
        client = Client(raise_request_exception=False)
        if email:
            client.force_login(users[email])
        fuzz_form(client, action, fields, f"POST {action} as {email}", failures)
    assert not failures, "\n".join(failures[:20])


@pytest.mark.parametrize("raw", ["99999999999999999999", "²", "-1", "1e3", " 7 "])
def test_hostile_ids_in_staff_forms_are_refused_not_crashed_on(
    raw: str, premier_northwind: Any, northwind_user: User, support_agent: User
) -> None:
    from successdesk.intake.services import CaseDraft, case_open_portal

    case = case_open_portal(
        requester=northwind_user,
        draft=CaseDraft(subject="s", description="d", severity=3),
    )
    client = Client(raise_request_exception=False)
    client.force_login(support_agent)
    reassign = client.post(f"/console/cases/{case.number}/reassign/", {"assignee": raw})
    access = client.post(
        f"/console/cases/{case.number}/remote-access/",
        {"target": "application", "reason": "r", "hours": raw},
    )
    assert reassign.status_code == 302
    assert access.status_code == 302
