"""Designated-contact rules: the extra-contact fee, the last contact on a roster and the
required training. Pure: counts and course names are passed in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from successdesk.domain.entitlements import _is_int, _need
from successdesk.domain.errors import Conflict, DomainError


def contact_fee_due(count_after: int, included: int) -> bool:
    """Whether a roster of ``count_after`` designated contacts has billed extra ones."""
    _need(_is_int(count_after) and count_after >= 0, "count_after", "≥ 0", count_after)
    _need(_is_int(included) and included >= 0, "included", "≥ 0", included)
    return count_after > included


class LastDesignatedContact(Conflict):
    code = "last_designated_contact"
    status = 409
    title = "The last designated contact cannot be removed"


def roster_check_removal(count_before: int) -> None:
    """Refuse removing a designated contact when it is the last one."""
    _need(_is_int(count_before) and count_before >= 1, "count_before", "≥ 1", count_before)
    if count_before == 1:
        raise LastDesignatedContact(
            "This is the customer's last designated contact and a customer needs at least "
            "one. Name another designated contact first, then remove this one."
        )


class TrainingIncomplete(DomainError):
    code = "training_incomplete"
    status = 422
    title = "Required training is not complete"

    def __init__(self, missing: Sequence[str]) -> None:
        super().__init__(
            f"A designated contact must first complete: {', '.join(missing)}. Ask them to "
            "finish these courses, then name them designated contact again.",
            missing=list(missing),
        )


def missing_training(required: Iterable[str], completed: Iterable[str]) -> list[str]:
    """Required courses not completed, in the order required, without duplicates."""
    done = set(completed)
    return [course for course in dict.fromkeys(required) if course not in done]


def ensure_training_complete(required: Iterable[str], completed: Iterable[str]) -> None:
    """Raise TrainingIncomplete listing the missing courses."""
    missing = missing_training(required, completed)
    if missing:
        raise TrainingIncomplete(missing)
