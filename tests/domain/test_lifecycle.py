"""Case lifecycle: statuses, allowed transitions, the reopen window and SLA clock effects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import product
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from successdesk.domain.errors import Conflict, InvalidInput
from successdesk.domain.lifecycle import (
    DEFAULT_REOPEN_DAYS,
    CaseStatus,
    ClockEffect,
    InvalidTransition,
    ReopenWindowClosed,
    ResolutionRequired,
    ResolutionType,
    Transition,
    allowed_targets,
    customer_visible_label,
    is_open,
    transition,
)

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
RESOLVED_AT = NOW - timedelta(days=3)

NEW, TRIAGED, IN_PROGRESS = CaseStatus.NEW, CaseStatus.TRIAGED, CaseStatus.IN_PROGRESS
AWAITING, RESOLVED, CLOSED = (
    CaseStatus.AWAITING_CUSTOMER,
    CaseStatus.RESOLVED,
    CaseStatus.CLOSED,
)

# The flow, written out independently of the implementation.
ALLOWED = {
    (NEW, TRIAGED),
    (NEW, IN_PROGRESS),
    (NEW, RESOLVED),
    (TRIAGED, IN_PROGRESS),
    (TRIAGED, RESOLVED),
    (IN_PROGRESS, AWAITING),
    (IN_PROGRESS, RESOLVED),
    (AWAITING, IN_PROGRESS),
    (AWAITING, RESOLVED),
    (RESOLVED, IN_PROGRESS),
    (RESOLVED, CLOSED),
}
REFUSED = sorted(set(product(CaseStatus, CaseStatus)) - ALLOWED)

STOP_BOTH = (ClockEffect("first_response", "stop"), ClockEffect("resolution", "stop"))
CLOCK_EFFECTS: dict[tuple[CaseStatus, CaseStatus], tuple[ClockEffect, ...]] = {
    (NEW, TRIAGED): (),
    (NEW, IN_PROGRESS): (),
    (NEW, RESOLVED): STOP_BOTH,
    (TRIAGED, IN_PROGRESS): (),
    (TRIAGED, RESOLVED): STOP_BOTH,
    (IN_PROGRESS, AWAITING): (ClockEffect("resolution", "pause"),),
    (IN_PROGRESS, RESOLVED): STOP_BOTH,
    (AWAITING, IN_PROGRESS): (ClockEffect("resolution", "resume"),),
    (AWAITING, RESOLVED): STOP_BOTH,
    (RESOLVED, IN_PROGRESS): (ClockEffect("resolution", "resume"),),
    (RESOLVED, CLOSED): (),
}

RESOLVE = {"resolution": ResolutionType.WORKAROUND, "summary": "Use the CSV template v2."}


def move(current: CaseStatus | str, target: CaseStatus | str, **kwargs: Any) -> Transition:
    """A transition with whatever the target needs filled in, unless overridden."""
    values: dict[str, Any] = {"at": NOW, "resolved_at": RESOLVED_AT, **RESOLVE}
    values.update(kwargs)
    return transition(current, target, **values)


def test_the_statuses_are_snake_case_strings() -> None:
    assert [str(s) for s in CaseStatus] == [
        "new",
        "triaged",
        "in_progress",
        "awaiting_customer",
        "resolved",
        "closed",
    ]
    assert CaseStatus.AWAITING_CUSTOMER.label == "Awaiting customer"


def test_resolution_types_have_human_labels() -> None:
    assert [(str(r), r.label) for r in ResolutionType] == [
        ("fix", "Fix"),
        ("workaround", "Workaround"),
        ("other", "Other solution"),
    ]


def test_the_matrix_covers_every_pair_of_statuses() -> None:
    assert len(ALLOWED) + len(REFUSED) == len(CaseStatus) ** 2 == 36
    assert set(CLOCK_EFFECTS) == ALLOWED


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED), ids=lambda s: str(s))
def test_every_allowed_transition_succeeds_with_its_clock_effects(
    current: CaseStatus, target: CaseStatus
) -> None:
    result = move(current, target)
    assert (result.from_status, result.to_status, result.at) == (current, target, NOW)
    assert result.clock_effects == CLOCK_EFFECTS[current, target]
    assert target in allowed_targets(current)


@pytest.mark.parametrize(("current", "target"), REFUSED, ids=lambda s: str(s))
def test_every_other_transition_is_refused_listing_the_allowed_targets(
    current: CaseStatus, target: CaseStatus
) -> None:
    with pytest.raises(InvalidTransition) as caught:
        move(current, target)
    error = caught.value
    assert isinstance(error, Conflict)
    assert (error.code, error.status, error.field) == ("invalid_transition", 409, "status")
    expected = [s.value for s in CaseStatus if (current, s) in ALLOWED]
    assert error.extra == {"current": current.value, "target": target.value, "allowed": expected}
    for allowed in expected:
        assert allowed in error.message


def test_a_closed_case_is_final_and_the_refusal_says_to_open_a_new_case() -> None:
    assert allowed_targets(CLOSED) == frozenset()
    with pytest.raises(InvalidTransition, match="open a new case"):
        move(CLOSED, IN_PROGRESS)


def test_moving_to_the_same_status_is_refused() -> None:
    with pytest.raises(InvalidTransition, match="from In progress to In progress"):
        move(IN_PROGRESS, IN_PROGRESS)


def test_statuses_may_be_given_as_strings() -> None:
    result = move("awaiting_customer", "in_progress")
    assert (result.from_status, result.to_status) == (AWAITING, IN_PROGRESS)
    assert allowed_targets("new") == frozenset({TRIAGED, IN_PROGRESS, RESOLVED})


@pytest.mark.parametrize(
    ("current", "target", "field"), [("open", "closed", "current"), ("new", "done", "target")]
)
def test_an_unknown_status_is_refused_as_invalid_input(
    current: str, target: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        move(current, target)
    assert caught.value.field == field
    assert "awaiting_customer" in caught.value.message


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        move(NEW, TRIAGED, at=datetime(2026, 3, 10, 15, 0))
    assert caught.value.field == "at"


# --- Resolving ------------------------------------------------------------------------------


@pytest.mark.parametrize("current", [NEW, TRIAGED, IN_PROGRESS, AWAITING])
def test_any_open_case_can_be_resolved_with_a_type_and_a_summary(current: CaseStatus) -> None:
    result = move(current, RESOLVED, resolution="fix", summary="  Patched in 4.2.1.  ")
    assert result.resolution is ResolutionType.FIX
    assert result.summary == "Patched in 4.2.1."
    assert result.clock_effects == STOP_BOTH


def test_resolving_without_a_resolution_type_is_refused() -> None:
    for missing in (None, ""):
        with pytest.raises(ResolutionRequired) as caught:
            move(IN_PROGRESS, RESOLVED, resolution=missing)
        error = caught.value
        assert (error.code, error.status, error.field) == ("resolution_required", 422, "resolution")
        assert "Fix, Workaround or Other solution" in error.message


@pytest.mark.parametrize("summary", [None, "", "   \n"])
def test_resolving_with_an_empty_summary_is_refused(summary: str | None) -> None:
    with pytest.raises(ResolutionRequired) as caught:
        move(IN_PROGRESS, RESOLVED, summary=summary)
    assert caught.value.field == "summary"


def test_an_unknown_resolution_type_is_refused_listing_the_known_ones() -> None:
    with pytest.raises(InvalidInput) as caught:
        move(IN_PROGRESS, RESOLVED, resolution="magic")
    assert caught.value.field == "resolution"
    assert "workaround" in caught.value.message


def test_an_excluded_request_is_closed_straight_from_new_with_a_standard_answer() -> None:
    answer = "Password resets are not covered: use the Forgot your password? link."
    resolved = move(NEW, RESOLVED, resolution=ResolutionType.OTHER, summary=answer)
    assert resolved.resolution is ResolutionType.OTHER
    closed = move(RESOLVED, CLOSED)
    assert closed.clock_effects == ()


def test_other_transitions_carry_no_resolution() -> None:
    result = move(NEW, TRIAGED)
    assert (result.resolution, result.summary, result.is_reopen) == (None, None, False)


# --- Reopening ------------------------------------------------------------------------------


def test_reopening_resumes_the_resolution_clock_by_default() -> None:
    result = move(RESOLVED, IN_PROGRESS)
    assert result.is_reopen
    assert result.clock_effects == (ClockEffect("resolution", "resume"),)


def test_reopening_can_restart_the_resolution_clock_instead() -> None:
    result = move(RESOLVED, IN_PROGRESS, reopen_clock="restart")
    assert result.clock_effects == (ClockEffect("resolution", "restart"),)


def test_an_unknown_reopen_clock_policy_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        move(RESOLVED, IN_PROGRESS, reopen_clock="rewind")
    assert caught.value.field == "reopen_clock"


def test_reopening_exactly_at_the_end_of_the_window_is_allowed() -> None:
    at = RESOLVED_AT + timedelta(days=DEFAULT_REOPEN_DAYS)
    assert move(RESOLVED, IN_PROGRESS, at=at).is_reopen


def test_reopening_one_microsecond_after_the_window_is_refused_saying_to_open_a_new_case() -> None:
    at = RESOLVED_AT + timedelta(days=14, microseconds=1)
    with pytest.raises(ReopenWindowClosed) as caught:
        move(RESOLVED, IN_PROGRESS, at=at)
    error = caught.value
    assert (error.code, error.status) == ("reopen_window_closed", 409)
    assert "Open a new case" in error.message
    assert "case's number" in error.message
    assert error.extra == {
        "resolved_at": RESOLVED_AT.isoformat(),
        "reopen_until": (RESOLVED_AT + timedelta(days=14)).isoformat(),
        "reopen_days": 14,
    }


def test_the_reopen_window_can_be_configured() -> None:
    at = RESOLVED_AT + timedelta(days=7, seconds=1)
    with pytest.raises(ReopenWindowClosed, match="for 7 days"):
        move(RESOLVED, IN_PROGRESS, at=at, reopen_days=7)
    assert move(RESOLVED, IN_PROGRESS, at=at, reopen_days=8).is_reopen


def test_a_zero_day_window_allows_reopening_only_at_the_resolution_instant() -> None:
    assert move(RESOLVED, IN_PROGRESS, at=RESOLVED_AT, reopen_days=0).is_reopen
    with pytest.raises(ReopenWindowClosed):
        move(RESOLVED, IN_PROGRESS, at=RESOLVED_AT + timedelta(seconds=1), reopen_days=0)


def test_the_window_is_measured_in_elapsed_hours_across_a_dst_change() -> None:
    toronto = ZoneInfo("America/Toronto")
    resolved_at = datetime(2026, 10, 25, 12, 0, tzinfo=toronto)  # EDT; DST ends 1 November
    # 14 x 24 h later is 11:00 EST on 8 November, not 12:00 wall-clock time.
    at = datetime(2026, 11, 8, 11, 30, tzinfo=toronto)
    with pytest.raises(ReopenWindowClosed) as caught:
        move(RESOLVED, IN_PROGRESS, at=at, resolved_at=resolved_at)
    assert caught.value.extra["reopen_until"] == "2026-11-08T11:00:00-05:00"
    assert move(RESOLVED, IN_PROGRESS, at=at - timedelta(minutes=30), resolved_at=resolved_at)


def test_reopening_at_an_instant_given_in_another_time_zone_compares_instants() -> None:
    auckland = ZoneInfo("Pacific/Auckland")
    edge = (RESOLVED_AT + timedelta(days=14)).astimezone(auckland)
    assert move(RESOLVED, IN_PROGRESS, at=edge).is_reopen


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"resolved_at": None}, "resolved_at"),
        ({"resolved_at": datetime(2026, 3, 7)}, "resolved_at"),
        ({"reopen_days": -1}, "reopen_days"),
    ],
)
def test_reopening_without_a_valid_resolution_instant_or_window_is_refused(
    kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        move(RESOLVED, IN_PROGRESS, **kwargs)
    assert caught.value.field == field


# --- Queries --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "open_", "label"),
    [
        (NEW, True, "Received"),
        (TRIAGED, True, "Received"),
        (IN_PROGRESS, True, "In progress"),
        (AWAITING, True, "Waiting for your reply"),
        (RESOLVED, False, "Resolved"),
        (CLOSED, False, "Closed"),
    ],
)
def test_open_statuses_and_the_labels_customers_see(
    status: CaseStatus, open_: bool, label: str
) -> None:
    assert is_open(status) is open_
    assert is_open(status.value) is open_
    assert customer_visible_label(status) == label


def test_allowed_targets_match_the_flow() -> None:
    for status in CaseStatus:
        assert allowed_targets(status) == {t for s, t in ALLOWED if s is status}
