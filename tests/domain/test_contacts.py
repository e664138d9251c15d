"""Designated contacts: the extra-contact fee, the last contact and the required training."""

from __future__ import annotations

import pytest

from successdesk.domain.contacts import (
    LastDesignatedContact,
    TrainingIncomplete,
    contact_fee_due,
    ensure_training_complete,
    missing_training,
    roster_check_removal,
)
from successdesk.domain.errors import DomainError, InvalidInput


@pytest.mark.parametrize(
    ("count_after", "included", "due"), [(0, 5, False), (1, 5, False), (5, 5, False), (6, 5, True)]
)
def test_a_fee_is_due_only_beyond_the_included_contacts(
    count_after: int, included: int, due: bool
) -> None:
    assert contact_fee_due(count_after, included) is due


@pytest.mark.parametrize(("count_after", "included"), [(-1, 5), (5, -1), (True, 5)])
def test_negative_contact_counts_are_refused(count_after: int, included: int) -> None:
    with pytest.raises(InvalidInput):
        contact_fee_due(count_after, included)


def test_removing_the_last_designated_contact_is_refused() -> None:
    with pytest.raises(LastDesignatedContact) as caught:
        roster_check_removal(1)
    assert (caught.value.code, caught.value.status) == ("last_designated_contact", 409)
    assert "Name another designated contact first" in caught.value.message


def test_removing_one_of_several_designated_contacts_is_allowed() -> None:
    roster_check_removal(2)


def test_removing_from_an_empty_roster_is_refused_as_invalid() -> None:
    with pytest.raises(InvalidInput) as caught:
        roster_check_removal(0)
    assert caught.value.field == "count_before"


def test_missing_training_keeps_the_required_order_without_duplicates() -> None:
    required = ["Basic online training", "Campaigns", "Basic online training", "Reporting"]
    assert missing_training(required, {"Campaigns"}) == ["Basic online training", "Reporting"]
    assert missing_training(iter(required), iter(required)) == []


def test_a_contact_without_the_required_training_is_refused_with_the_missing_courses() -> None:
    with pytest.raises(TrainingIncomplete) as caught:
        ensure_training_complete(["Basic online training", "Referrals"], ["Referrals"])
    error = caught.value
    assert isinstance(error, DomainError)
    assert (error.code, error.status) == ("training_incomplete", 422)
    assert error.extra == {"missing": ["Basic online training"]}
    assert "Basic online training" in error.message
    assert "finish these courses" in error.message


def test_a_contact_with_every_course_completed_passes() -> None:
    ensure_training_complete(["Basic online training"], ["Basic online training", "Extra"])
