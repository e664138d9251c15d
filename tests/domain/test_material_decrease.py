"""The "no material decrease" rule: every dimension, both directions, pools, tolerances."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from successdesk.domain.entitlements import (
    Decrease,
    Entitlements,
    MaterialDecrease,
    compare,
    ensure_no_material_decrease,
)
from successdesk.domain.errors import Conflict, InvalidInput
from tests.domain.test_entitlements import BASE, H, dimensions, premier, target, with_target

# --- The "no material decrease" rule ---------------------------------------------------------


# (description, better entitlements, worse entitlements, the dimension that decreases)
DIMENSIONS: list[tuple[str, Entitlements, Entitlements, str]] = [
    ("the API channel", premier(channels={"web", "phone", "api"}), BASE, "channels.api"),
    ("the telephone channel", BASE, premier(channels={"web"}), "channels.phone"),
    ("phone hours", BASE, premier(phone_hours_per_week=40), "phone_hours_per_week"),
    ("routing priority", premier(routing_priority=20), BASE, "routing_priority"),
    *(
        (
            f"the severity {s} {clock.replace('_', ' ')} target",
            BASE,
            with_target(BASE, s, **{clock: getattr(BASE.sla_targets[s], clock) * 2})
            if clock == "resolution"
            else with_target(BASE, s, first_response=BASE.sla_targets[s].first_response * 1.5),
            f"sla_targets.{s}.{clock}",
        )
        for s in (1, 2, 3, 4)
        for clock in ("first_response", "resolution")
    ),
    *(
        (
            f"severity {s} counted 24x7",
            with_target(BASE, s, business_hours=False),
            with_target(BASE, s, business_hours=True),
            f"sla_targets.{s}.business_hours",
        )
        for s in (1, 2, 3, 4)
    ),
    (
        "included contacts",
        BASE,
        premier(designated_contacts_included=3),
        "designated_contacts_included",
    ),
    (
        "the extra contact fee",
        BASE,
        premier(extra_contact_fee=Decimal("300")),
        "extra_contact_fee",
    ),
    ("admin tasks", BASE, premier(admin_tasks_per_month=3), "admin_tasks_per_month"),
    (
        "advisory reviews",
        BASE,
        premier(advisory_reviews_per_month=3),
        "advisory_reviews_per_month",
    ),
    (
        "a shared pool",
        premier(pooled_quota=True),
        premier(pooled_quota=True, admin_tasks_per_month=3),
        "service_requests_per_month",
    ),
    ("the content library", BASE, premier(content_library=False), "content_library"),
    ("advisory services", BASE, premier(advisory_services=False), "advisory_services"),
    ("remote access", BASE, premier(remote_access_support=False), "remote_access_support"),
    ("priority routing", BASE, premier(priority_routing=False), "priority_routing"),
]


@pytest.mark.parametrize(
    ("better", "worse", "dimension"),
    [pytest.param(b, w, d, id=name) for name, b, w, d in DIMENSIONS],
)
def test_each_dimension_lowered_is_reported_as_a_material_decrease(
    better: Entitlements, worse: Entitlements, dimension: str
) -> None:
    assert dimensions(better, worse) == [dimension]
    with pytest.raises(MaterialDecrease):
        ensure_no_material_decrease(better, worse)


@pytest.mark.parametrize(
    ("better", "worse"),
    [pytest.param(b, w, id=name) for name, b, w, _ in DIMENSIONS],
)
def test_each_dimension_raised_is_never_reported(better: Entitlements, worse: Entitlements) -> None:
    assert compare(worse, better) == []
    ensure_no_material_decrease(worse, better)


def test_identical_entitlements_have_no_decrease() -> None:
    assert compare(BASE, premier()) == []


def test_a_slower_severity_2_resolution_target_is_a_material_decrease() -> None:
    [decrease] = compare(BASE, with_target(BASE, 2, resolution=24 * H))
    assert decrease == Decrease(
        "sla_targets.2.resolution",
        "16h",
        "24h",
        "Severity 2 resolution target goes from 16h to 24h",
    )


@pytest.mark.parametrize(
    ("proposed", "message"),
    [
        (premier(channels={"web"}), "The telephone channel is removed"),
        (
            premier(phone_hours_per_week=37.5),
            "Telephone support hours per week go from 60h to 37.5h",
        ),
        (premier(routing_priority=0), "Routing priority goes from 10 to 0"),
        (
            with_target(BASE, 1, first_response=timedelta(hours=1, minutes=30)),
            "Severity 1 first response target goes from 1h to 1h30m",
        ),
        (
            with_target(BASE, 1, business_hours=True),
            "Severity 1 targets go from 24x7 to business hours only",
        ),
        (premier(designated_contacts_included=3), "Included designated contacts go from 5 to 3"),
        (
            premier(extra_contact_fee=Decimal("300.00")),
            "The fee per extra designated contact goes from 250.00 to 300.00",
        ),
        (premier(admin_tasks_per_month=2), "Admin tasks per month go from 5 to 2"),
        (
            premier(content_library=False),
            "The package no longer includes the campaign content library",
        ),
    ],
)
def test_each_decrease_reads_as_a_human_sentence(proposed: Entitlements, message: str) -> None:
    assert [d.message for d in compare(BASE, proposed)] == [message]


def test_several_decreases_are_all_listed_in_a_stable_order() -> None:
    worse = premier(channels={"web"}, routing_priority=0, priority_routing=False)
    assert dimensions(BASE, worse) == ["channels.phone", "routing_priority", "priority_routing"]


def test_a_faster_target_does_not_hide_a_slower_one() -> None:
    proposed = with_target(with_target(BASE, 2, resolution=8 * H), 3, first_response=9 * H)
    assert dimensions(BASE, proposed) == ["sla_targets.3.first_response"]


def test_24x7_with_a_longer_duration_is_reported_as_a_duration_decrease_only() -> None:
    proposed = with_target(BASE, 2, resolution=32 * H, business_hours=False)
    assert dimensions(BASE, proposed) == ["sla_targets.2.resolution"]


# Fair-usage quotas compare the monthly mixes of requests each version allows.


def test_separate_5_and_5_to_a_pooled_10_is_not_a_decrease() -> None:
    assert compare(BASE, premier(pooled_quota=True)) == []


def test_separate_5_and_5_to_a_pooled_8_is_a_decrease_of_the_total() -> None:
    proposed = premier(pooled_quota=True, admin_tasks_per_month=4, advisory_reviews_per_month=4)
    [decrease] = compare(BASE, proposed)
    assert decrease.dimension == "service_requests_per_month"
    assert decrease.message == (
        "Service requests per month go from 5 admin tasks + 5 advisory reviews to 8 shared"
    )


def test_a_pooled_10_to_separate_5_and_5_is_a_decrease_of_both_kinds() -> None:
    decreases = compare(premier(pooled_quota=True), BASE)
    assert [(d.dimension, d.current, d.proposed) for d in decreases] == [
        ("admin_tasks_per_month", "up to 10 (shared)", "5"),
        ("advisory_reviews_per_month", "up to 10 (shared)", "5"),
    ]


def test_a_pooled_10_to_separate_10_and_10_is_not_a_decrease() -> None:
    proposed = premier(admin_tasks_per_month=10, advisory_reviews_per_month=10)
    assert compare(premier(pooled_quota=True), proposed) == []


def test_a_smaller_shared_pool_is_a_decrease_of_the_pool() -> None:
    proposed = premier(pooled_quota=True, admin_tasks_per_month=3)
    [decrease] = compare(premier(pooled_quota=True), proposed)
    assert decrease.message == "Service requests per month go from 10 shared to 8 shared"


def test_a_pool_split_differently_but_of_the_same_size_is_not_a_decrease() -> None:
    proposed = premier(pooled_quota=True, admin_tasks_per_month=10, advisory_reviews_per_month=0)
    assert compare(premier(pooled_quota=True), proposed) == []


def test_moving_quota_from_one_separate_kind_to_the_other_is_a_decrease_of_that_kind() -> None:
    proposed = premier(admin_tasks_per_month=10, advisory_reviews_per_month=0)
    assert dimensions(BASE, proposed) == ["advisory_reviews_per_month"]


# Materiality: an optional relative tolerance per numeric dimension.


def test_a_decrease_within_its_tolerance_is_immaterial_and_the_edge_is_inclusive() -> None:
    tolerance = {"phone_hours_per_week": 0.05}
    assert compare(BASE, premier(phone_hours_per_week=57), materiality=tolerance) == []
    assert dimensions(BASE, premier(phone_hours_per_week=56)) == ["phone_hours_per_week"]
    assert compare(BASE, premier(phone_hours_per_week=56), materiality=tolerance) != []


def test_an_sla_tolerance_applies_by_prefix_to_all_or_one_severity() -> None:
    proposed = with_target(with_target(BASE, 2, resolution=20 * H), 3, resolution=60 * H)
    assert compare(BASE, proposed, materiality={"sla_targets": 0.25}) == []
    kept = compare(BASE, proposed, materiality={"sla_targets.2": 0.25})
    assert [d.dimension for d in kept] == ["sla_targets.3.resolution"]
    exact = {"sla_targets.2.resolution": 0.25, "sla_targets.3.resolution": 0.1}
    assert [d.dimension for d in compare(BASE, proposed, materiality=exact)] == [
        "sla_targets.3.resolution"
    ]


def test_a_tolerance_never_hides_a_switch_from_24x7_to_business_hours() -> None:
    proposed = with_target(BASE, 1, business_hours=True)
    assert dimensions(BASE, proposed) == ["sla_targets.1.business_hours"]
    assert compare(BASE, proposed, materiality={"sla_targets": 10.0}) != []


def test_a_fee_introduced_where_there_was_none_is_always_material() -> None:
    free = premier(extra_contact_fee=Decimal(0))
    proposed = premier(extra_contact_fee=Decimal("1"))
    assert compare(free, proposed, materiality={"extra_contact_fee": 1000}) != []
    assert (
        compare(
            BASE,
            premier(extra_contact_fee=Decimal("260.00")),
            materiality={"extra_contact_fee": 0.05},
        )
        == []
    )


def test_quota_tolerances_apply_to_quota_dimensions() -> None:
    tolerance = {"admin_tasks_per_month": 0.2, "service_requests_per_month": 0.2}
    assert compare(BASE, premier(admin_tasks_per_month=4), materiality=tolerance) == []
    pooled_8 = premier(pooled_quota=True, admin_tasks_per_month=4, advisory_reviews_per_month=4)
    assert compare(BASE, pooled_8, materiality=tolerance) == []


@pytest.mark.parametrize(
    ("materiality", "field"),
    [
        ({"channels": 0.1}, "materiality.channels"),
        ({"routing_priority": 0.5}, "materiality.routing_priority"),
        ({"sla_targets.1.business_hours": 1}, "materiality.sla_targets.1.business_hours"),
        ({"phone_hours": 0.1}, "materiality.phone_hours"),
        ({"phone_hours_per_week": -0.1}, "materiality.phone_hours_per_week"),
        ({"phone_hours_per_week": True}, "materiality.phone_hours_per_week"),
        ({"phone_hours_per_week": float("inf")}, "materiality.phone_hours_per_week"),
    ],
)
def test_a_tolerance_for_an_unknown_or_non_numeric_dimension_is_refused(
    materiality: dict[str, float], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        compare(BASE, BASE, materiality=materiality)
    assert caught.value.field == field


def test_the_material_decrease_error_carries_every_decrease() -> None:
    proposed = premier(channels={"web"}, designated_contacts_included=3)
    with pytest.raises(MaterialDecrease) as caught:
        ensure_no_material_decrease(BASE, proposed)
    error = caught.value
    assert isinstance(error, Conflict)
    assert (error.code, error.status) == ("material_decrease", 409)
    assert error.extra["decreases"] == [
        {
            "dimension": "channels.phone",
            "current": "included",
            "proposed": "not included",
            "message": "The telephone channel is removed",
        },
        {
            "dimension": "designated_contacts_included",
            "current": "5",
            "proposed": "3",
            "message": "Included designated contacts go from 5 to 3",
        },
    ]
    assert "The telephone channel is removed; Included designated contacts" in error.message
    assert "renewal" in error.message
    problem = error.as_problem()
    assert problem["code"] == "material_decrease"
    assert len(problem["decreases"]) == 2


def test_a_decrease_within_tolerance_passes_the_guard() -> None:
    proposed = premier(phone_hours_per_week=57)
    ensure_no_material_decrease(BASE, proposed, materiality={"phone_hours_per_week": 0.05})


_ENTITLEMENTS = st.builds(
    premier,
    channels=st.frozensets(st.sampled_from(["web", "phone", "api"])),
    phone_hours_per_week=st.integers(0, 168),
    routing_priority=st.sampled_from([0, 10, 20]),
    sla_targets=st.fixed_dictionaries(
        {
            s: st.builds(
                target,
                st.integers(1, 4),
                st.integers(4, 8),
                business_hours=st.booleans(),
            )
            for s in (1, 2, 3, 4)
        }
    ),
    designated_contacts_included=st.integers(0, 6),
    extra_contact_fee=st.sampled_from([Decimal(0), Decimal("100.00"), Decimal("250")]),
    admin_tasks_per_month=st.integers(0, 10),
    advisory_reviews_per_month=st.integers(0, 10),
    pooled_quota=st.booleans(),
    content_library=st.booleans(),
    advisory_services=st.booleans(),
    remote_access_support=st.booleans(),
    priority_routing=st.booleans(),
)


@given(_ENTITLEMENTS, _ENTITLEMENTS)
def test_no_dimension_decreases_in_both_directions(a: Entitlements, b: Entitlements) -> None:
    assert not set(dimensions(a, b)) & set(dimensions(b, a))
    assert compare(a, a) == []


@given(_ENTITLEMENTS, _ENTITLEMENTS, _ENTITLEMENTS)
def test_no_decrease_is_transitive(a: Entitlements, b: Entitlements, c: Entitlements) -> None:
    if not compare(a, b) and not compare(b, c):
        assert compare(a, c) == []


@given(_ENTITLEMENTS)
def test_any_entitlements_round_trip_through_the_catalog_format(e: Entitlements) -> None:
    assert Entitlements.from_dict(json.loads(json.dumps(e.to_dict()))) == e
