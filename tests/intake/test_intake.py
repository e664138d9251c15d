"""Intake on every channel: one normalised intake, and the caller's draft left as it was."""

from __future__ import annotations

import pytest

from successdesk.accounts.models import Customer, User
from successdesk.intake.services import CaseDraft, case_open_contact_form, case_open_portal


def test_opening_a_case_in_the_portal_leaves_the_callers_draft_as_it_was(
    premier_northwind: Customer, northwind_user: User
) -> None:
    draft = CaseDraft(subject="  Hub   shows a blank page ", description="  It broke. ", severity=3)
    case = case_open_portal(requester=northwind_user, draft=draft)
    assert (case.subject, case.description) == ("Hub shows a blank page", "It broke.")
    assert (case.requester_email, case.customer) == (northwind_user.email, premier_northwind)
    assert draft == CaseDraft(
        subject="  Hub   shows a blank page ", description="  It broke. ", severity=3
    )


@pytest.mark.django_db
def test_a_send_a_message_case_keeps_the_address_trimmed_and_leaves_the_draft_alone() -> None:
    draft = CaseDraft(
        subject="Rewards fail",
        description="Our advocates see an error.",
        severity=3,
        requester_email="  pat@unknown.example ",
    )
    case = case_open_contact_form(draft=draft)
    assert (case.requester_email, case.is_verified, case.customer) == (
        "pat@unknown.example",
        False,
        None,
    )
    assert draft.requester_email == "  pat@unknown.example "
