"""Case numbers and sign-in addresses are looked up by their stored spelling (so the unique
indexes serve them); what a person types still matches in any letter case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from successdesk.accounts.models import Customer, User
from successdesk.accounts.services import token_create
from successdesk.cases.lifecycle import case_assign
from successdesk.cases.models import Case
from successdesk.cases.numbers import case_number_next, case_number_normal
from successdesk.intake.services import CaseDraft, case_open_portal
from tests.conftest import bearer, signed_in


def _case(user: User) -> Case:
    draft = CaseDraft(subject="Exports time out", description="Since Monday.", severity=3)
    return case_open_portal(draft=draft, requester=user)


def test_a_case_number_in_any_letter_case_opens_the_case_in_portal_console_and_api(
    premier_northwind: Customer, northwind_user: User, support_agent: User
) -> None:
    case = _case(northwind_user)
    typed = f"  {case.number.lower()} "
    assert signed_in(northwind_user).get(f"/portal/cases/{typed.strip()}/").status_code == 200
    console = signed_in(support_agent)
    assert console.get(f"/console/cases/{typed.strip()}/").status_code == 200
    assert case.number in console.get("/console/cases/", {"q": typed}).content.decode()
    token = token_create(email=northwind_user.email)
    api = signed_in(northwind_user).get(f"/api/v1/cases/{typed.strip()}", headers=bearer(token))
    assert api.status_code == 200 and api.json()["number"] == case.number


def test_the_stored_spelling_of_a_case_number_follows_the_configured_prefix(
    settings: object,
) -> None:
    assert case_number_normal(" cs-004217 ") == "CS-004217"
    settings.CASE_NUMBER_PREFIX = "Case-"  # type: ignore[attr-defined]
    assert case_number_normal("CASE-004217") == "Case-004217"
    assert case_number_normal("other") == "other"


def test_signing_in_with_the_address_in_capitals_finds_the_account(
    northwind_user: User,
) -> None:
    assert User.objects.get_by_natural_key(" USER@Northwind.Example") == northwind_user


@pytest.mark.django_db(transaction=True)
def test_taking_a_case_number_outside_a_transaction_is_refused_with_an_error() -> None:
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        case_number_next()
    with transaction.atomic():
        assert case_number_next().startswith("CS-")


def test_assigning_a_case_moves_its_updated_at(
    premier_northwind: Customer, northwind_user: User, support_agent: User
) -> None:
    case = _case(northwind_user)
    before = case.updated_at - timedelta(hours=1)
    Case.objects.filter(pk=case.pk).update(updated_at=before)
    case_assign(case=case, assignee=support_agent, by=support_agent)
    assert case.assignee == support_agent and case.updated_at > before
