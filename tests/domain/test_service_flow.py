"""The service-request flow: kinds, allowed steps, declines that give the slot back and
the structured recommendations of advisory reviews."""

from __future__ import annotations

import pytest

from successdesk.domain.errors import InvalidInput
from successdesk.domain.service_flow import (
    FlowRefused,
    RequestStatus,
    ServiceKind,
    allowed_next,
    parse_kind,
    parse_recommendations,
    step,
)

REC = {"area": "Targeting", "finding": "Too broad", "suggestion": "Segment", "priority": "high"}


def test_the_seven_admin_tasks_and_the_two_reviews_count_as_their_quota_kind() -> None:
    admin = [k for k in ServiceKind if k.quota_kind == "admin_task"]
    advisory = [k for k in ServiceKind if k.quota_kind == "advisory_review"]
    assert len(admin) == 7
    assert advisory == [ServiceKind.CAMPAIGN_REVIEW, ServiceKind.EVENT_REVIEW]
    assert ServiceKind.CSV_IMPORT.label == "CSV import"


def test_an_unknown_kind_is_refused_listing_the_kinds() -> None:
    with pytest.raises(InvalidInput, match="csv_import") as refused:
        parse_kind("build_my_campaign")
    assert refused.value.field == "kind"


def test_an_admin_task_goes_submitted_accepted_in_progress_delivered() -> None:
    kind = ServiceKind.CSV_IMPORT
    assert step("submitted", "accepted", kind=kind, assigned=False).to_status == "accepted"
    assert step("accepted", "in_progress", kind=kind, assigned=False).to_status == "in_progress"
    done = step("in_progress", "delivered", kind=kind, assigned=True, reason="1,200 imported")
    assert done.to_status is RequestStatus.DELIVERED and not done.releases_slot


def test_delivering_an_admin_task_says_what_was_done() -> None:
    with pytest.raises(InvalidInput, match="what was done"):
        step("in_progress", "delivered", kind="csv_import", assigned=True)


def test_skipping_a_step_is_refused_listing_what_is_allowed() -> None:
    with pytest.raises(FlowRefused, match="accepted, declined") as refused:
        step("submitted", "delivered", kind="csv_import", assigned=True, reason="x")
    assert refused.value.extra["allowed"] == ["accepted", "declined"]
    assert allowed_next("delivered") == frozenset()


@pytest.mark.parametrize("current", ["submitted", "accepted", "in_progress"])
def test_declining_needs_a_reason_and_gives_the_slot_back(current: str) -> None:
    with pytest.raises(InvalidInput, match="why"):
        step(current, "declined", kind="mass_targeting", assigned=False)
    declined = step(current, "declined", kind="mass_targeting", assigned=False, reason="Dupe")
    assert declined.releases_slot and declined.reason == "Dupe"


def test_an_advisory_review_starts_only_once_assigned_to_a_specialist() -> None:
    with pytest.raises(FlowRefused, match="specialist"):
        step("accepted", "in_progress", kind="campaign_review", assigned=False)
    assert step("accepted", "in_progress", kind="event_review", assigned=True)


def test_an_advisory_review_is_delivered_with_structured_recommendations() -> None:
    with pytest.raises(InvalidInput, match="at least one recommendation"):
        step("in_progress", "delivered", kind="campaign_review", assigned=True)
    done = step(
        "in_progress", "delivered", kind="campaign_review", assigned=True, recommendations=[REC]
    )
    assert done.recommendations[0].as_dict() == REC


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({**REC, "area": " "}, "recommendations[0].area"),
        ({**REC, "suggestion": ""}, "recommendations[0].suggestion"),
        ({**REC, "priority": "urgent"}, "recommendations[0].priority"),
        ({**REC, "finding": "x" * 2001}, "recommendations[0].finding"),
    ],
)
def test_a_bad_recommendation_is_refused_naming_the_field(bad: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_recommendations([bad])
    assert refused.value.field == field


def test_a_recommendation_without_priority_is_medium() -> None:
    (rec,) = parse_recommendations([{"area": "a", "finding": "b", "suggestion": "c"}])
    assert rec.priority == "medium"


def test_an_unknown_status_is_refused_naming_the_statuses() -> None:
    from successdesk.domain.errors import InvalidInput
    from successdesk.domain.service_flow import allowed_next

    with pytest.raises(InvalidInput) as info:
        allowed_next("finished")
    assert info.value.field == "status" and "delivered" in info.value.message


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ([{"area": "a", "finding": "f", "suggestion": "s"}] * 31, "recommendations"),
        ([{"area": "a", "finding": "", "suggestion": "s"}], "recommendations[0].finding"),
    ],
)
def test_malformed_recommendations_are_refused_naming_where(raw: object, field: str) -> None:
    from successdesk.domain.errors import InvalidInput
    from successdesk.domain.service_flow import parse_recommendations

    with pytest.raises(InvalidInput) as info:
        parse_recommendations(raw)  # type: ignore[arg-type]
    assert info.value.field == field


def test_an_overlong_reason_is_refused() -> None:
    from successdesk.domain.errors import InvalidInput
    from successdesk.domain.service_flow import step

    with pytest.raises(InvalidInput) as info:
        step("submitted", "declined", kind="csv_import", assigned=False, reason="x" * 100_000)
    assert info.value.field == "reason"
