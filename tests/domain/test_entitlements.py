"""Entitlements: the catalog format, the "no material decrease" rule and feature checks."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from successdesk.domain.entitlements import (
    FEATURE_LABELS,
    Entitlements,
    NotEntitled,
    SlaTargetSpec,
    compare,
    ensure_entitled,
    format_duration,
    has_feature,
    parse_duration,
)
from successdesk.domain.errors import InvalidInput, PermissionDenied
from successdesk.domain.fair_usage import limits_for

H = timedelta(hours=1)


def target(first: float, resolution: float, *, business_hours: bool = True) -> SlaTargetSpec:
    return SlaTargetSpec(
        first_response=first * H, resolution=resolution * H, business_hours=business_hours
    )


def premier(**changes: Any) -> Entitlements:
    """A Premier Success-like package; ``changes`` override single dimensions."""
    values: dict[str, Any] = {
        "channels": frozenset({"web", "phone"}),
        "phone_hours_per_week": 60.0,
        "routing_priority": 10,
        "sla_targets": {
            1: target(1, 24, business_hours=False),
            2: target(4, 16),
            3: target(8, 48),
            4: target(24, 120),
        },
        "designated_contacts_included": 5,
        "extra_contact_fee": Decimal("250.00"),
        "admin_tasks_per_month": 5,
        "advisory_reviews_per_month": 5,
        "pooled_quota": False,
        "content_library": True,
        "advisory_services": True,
        "remote_access_support": True,
        "priority_routing": True,
    }
    values.update(changes)
    return Entitlements(**values)


BASE = premier()


def with_target(base: Entitlements, severity: int, **changes: Any) -> Entitlements:
    targets = dict(base.sla_targets)
    targets[severity] = replace(targets[severity], **changes)
    return replace(base, sla_targets=targets)


def dimensions(current: Entitlements, proposed: Entitlements) -> list[str]:
    return [d.dimension for d in compare(current, proposed)]


# --- Building and validating entitlements ---------------------------------------------------


def test_entitlements_are_frozen_hashable_and_normalised() -> None:
    e = premier(channels={"web"}, phone_hours_per_week=40)
    assert e.channels == frozenset({"web"})
    assert isinstance(e.phone_hours_per_week, float)
    assert list(e.sla_targets) == [1, 2, 3, 4]
    assert hash(e) == hash(premier(channels=["web"], phone_hours_per_week=40.0))
    with pytest.raises(TypeError):
        e.sla_targets[1] = target(1, 2)  # type: ignore[index]


def test_a_dict_round_trips_through_json_and_from_dict() -> None:
    e = premier(phone_hours_per_week=37.5)
    data = e.to_dict()
    assert data["channels"] == ["phone", "web"]
    assert data["extra_contact_fee"] == "250.00"
    assert data["sla_targets"]["2"] == {
        "first_response": "PT4H",
        "resolution": "PT16H",
        "business_hours": True,
    }
    assert Entitlements.from_dict(json.loads(json.dumps(data))) == e


def test_a_toml_catalog_entry_loads_with_days_weeks_and_seconds() -> None:
    entry = tomllib.loads(
        """
        channels = ["web", "phone", "api"]
        phone_hours_per_week = 60
        routing_priority = 20
        designated_contacts_included = 5
        extra_contact_fee = "250.00"
        admin_tasks_per_month = 3
        advisory_reviews_per_month = 2
        pooled_quota = true
        content_library = true
        advisory_services = true
        remote_access_support = true
        priority_routing = true
        [sla_targets.1]
        first_response = "PT30M"
        resolution = "P1D"
        business_hours = false
        [sla_targets.2]
        first_response = 7200
        resolution = "P1W"
        business_hours = true
        [sla_targets.3]
        first_response = "PT8H"
        resolution = "P2DT12H"
        business_hours = true
        [sla_targets.4]
        first_response = "PT1H30M15.5S"
        resolution = "PT120H"
        business_hours = true
        """
    )
    e = Entitlements.from_dict(entry)
    assert e.sla_targets[1].resolution == timedelta(days=1)
    assert e.sla_targets[2].first_response == 2 * H
    assert e.sla_targets[2].resolution == timedelta(weeks=1)
    assert e.sla_targets[3].resolution == 60 * H
    assert e.sla_targets[4].first_response == timedelta(hours=1, minutes=30, seconds=15.5)
    assert limits_for(e, "advisory_review") == ("service_requests", 5)


def _catalog(**changes: Any) -> dict[str, Any]:
    data = premier().to_dict()
    data.update(changes)
    return data


def _catalog_target(severity: str, **changes: Any) -> dict[str, Any]:
    data = premier().to_dict()
    data["sla_targets"][severity].update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param(_catalog(fax=True), "fax", id="an unknown key"),
        pytest.param(
            {k: v for k, v in _catalog().items() if k != "routing_priority"},
            "routing_priority",
            id="a missing key",
        ),
        pytest.param(_catalog(channels=["web", "fax"]), "channels", id="an unknown channel"),
        pytest.param(_catalog(channels="web"), "channels", id="channels as a string"),
        pytest.param(_catalog(channels=[["web"]]), "channels", id="a nested channel list"),
        pytest.param(_catalog(phone_hours_per_week=200), "phone_hours_per_week", id="200 hours"),
        pytest.param(_catalog(phone_hours_per_week="60"), "phone_hours_per_week", id="hours text"),
        pytest.param(_catalog(routing_priority=1.5), "routing_priority", id="a float priority"),
        pytest.param(_catalog(routing_priority=True), "routing_priority", id="a bool priority"),
        pytest.param(_catalog(sla_targets=[1, 2]), "sla_targets", id="targets as a list"),
        pytest.param(
            _catalog(sla_targets={"1": premier().to_dict()["sla_targets"]["1"]}),
            "sla_targets",
            id="a missing severity",
        ),
        pytest.param(_catalog(sla_targets={"5": {}}), "sla_targets.5", id="severity 5"),
        pytest.param(_catalog(sla_targets={"1": "PT1H"}), "sla_targets.1", id="a bare duration"),
        pytest.param(
            _catalog(sla_targets={"1": {"first_response": "PT1H"}}),
            "sla_targets.1",
            id="a target without resolution",
        ),
        pytest.param(
            _catalog_target("2", resolution="sixteen hours"),
            "sla_targets.2.resolution",
            id="a duration in words",
        ),
        pytest.param(
            _catalog_target("2", resolution="P1M"),
            "sla_targets.2.resolution",
            id="a duration in months",
        ),
        pytest.param(
            _catalog_target("2", resolution="P1Y"),
            "sla_targets.2.resolution",
            id="a duration in years",
        ),
        pytest.param(
            _catalog_target("2", resolution="P"), "sla_targets.2.resolution", id="an empty duration"
        ),
        pytest.param(
            _catalog_target("2", resolution="P1DT"), "sla_targets.2.resolution", id="a dangling T"
        ),
        pytest.param(
            _catalog_target("2", resolution="P99999999999W"),
            "sla_targets.2.resolution",
            id="an overflowing duration",
        ),
        pytest.param(
            _catalog_target("2", first_response=0),
            "sla_targets.2.first_response",
            id="a zero duration",
        ),
        pytest.param(
            _catalog_target("2", first_response=-60),
            "sla_targets.2.first_response",
            id="a negative duration",
        ),
        pytest.param(
            _catalog_target("2", first_response=True),
            "sla_targets.2.first_response",
            id="a bool duration",
        ),
        pytest.param(
            _catalog_target("2", first_response="PT20H"),
            "sla_targets.2.resolution",
            id="resolution shorter than first response",
        ),
        pytest.param(
            _catalog_target("2", business_hours="yes"),
            "sla_targets.2.business_hours",
            id="business hours as text",
        ),
        pytest.param(
            _catalog(designated_contacts_included=-1),
            "designated_contacts_included",
            id="negative contacts",
        ),
        pytest.param(
            _catalog(admin_tasks_per_month=2.5),
            "admin_tasks_per_month",
            id="a fractional admin quota",
        ),
        pytest.param(
            _catalog(advisory_reviews_per_month=None),
            "advisory_reviews_per_month",
            id="a null advisory quota",
        ),
        pytest.param(_catalog(extra_contact_fee=250.0), "extra_contact_fee", id="a float fee"),
        pytest.param(_catalog(extra_contact_fee="abc"), "extra_contact_fee", id="a word fee"),
        pytest.param(_catalog(extra_contact_fee="-1"), "extra_contact_fee", id="a negative fee"),
        pytest.param(_catalog(extra_contact_fee="NaN"), "extra_contact_fee", id="a NaN fee"),
        pytest.param(_catalog(extra_contact_fee=True), "extra_contact_fee", id="a bool fee"),
        pytest.param(_catalog(content_library="true"), "content_library", id="a text boolean"),
        pytest.param(_catalog(pooled_quota=1), "pooled_quota", id="a number boolean"),
    ],
)
def test_a_bad_catalog_entry_is_refused_naming_the_bad_key(
    data: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        Entitlements.from_dict(data)
    assert caught.value.field == field
    assert field.split(".")[0] in caught.value.message


def test_a_catalog_entry_that_is_not_a_table_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        Entitlements.from_dict(["channels"])  # type: ignore[arg-type]
    assert caught.value.field == "entitlements"


def test_an_integer_fee_is_read_as_a_decimal() -> None:
    assert Entitlements.from_dict(_catalog(extra_contact_fee=250)).extra_contact_fee == 250


def test_entitlements_without_every_severity_are_refused() -> None:
    with pytest.raises(InvalidInput, match="severity") as caught:
        premier(sla_targets={1: target(1, 2)})
    assert caught.value.field == "sla_targets"


def test_an_sla_target_must_be_a_positive_duration() -> None:
    with pytest.raises(InvalidInput) as caught:
        SlaTargetSpec(first_response=timedelta(0), resolution=H, business_hours=True)
    assert caught.value.field == "first_response"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT4H", 4 * H),
        ("PT90M", timedelta(minutes=90)),
        ("P1D", timedelta(days=1)),
        ("P1W2D", timedelta(days=9)),
        ("PT0.5S", timedelta(milliseconds=500)),
        (3600, H),
        (1.5, timedelta(seconds=1.5)),
    ],
)
def test_durations_parse_from_iso_8601_or_seconds(text: object, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (4 * H, "PT4H"),
        (24 * H, "PT24H"),
        (timedelta(hours=1, minutes=30), "PT1H30M"),
        (timedelta(seconds=5, microseconds=250000), "PT5.25S"),
        (timedelta(0), "PT0S"),
    ],
)
def test_durations_format_as_iso_8601_hours(value: timedelta, text: str) -> None:
    assert format_duration(value) == text


@given(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=1000)))
def test_any_duration_survives_formatting_and_parsing(value: timedelta) -> None:
    assert parse_duration(format_duration(value)) == value


# --- Features -------------------------------------------------------------------------------


def test_a_feature_outside_the_package_is_refused_naming_the_packages_that_include_it() -> None:
    standard = premier(content_library=False)
    with pytest.raises(NotEntitled) as caught:
        ensure_entitled(
            standard, "content_library", included_in=["Premier Success", "Premier Success Plus"]
        )
    error = caught.value
    assert isinstance(error, PermissionDenied)
    assert (error.code, error.status) == ("not_entitled", 403)
    assert error.extra == {
        "feature": "content_library",
        "included_in": ["Premier Success", "Premier Success Plus"],
    }
    assert "the campaign content library" in error.message
    assert "Premier Success and Premier Success Plus" in error.message


def test_three_packages_are_listed_as_a_sentence() -> None:
    error = NotEntitled("priority_routing", ["Premier", "Premier Plus", "Enterprise"])
    assert "included in Premier, Premier Plus and Enterprise:" in error.message
    assert "included in Premier:" in NotEntitled("priority_routing", ["Premier"]).message


def test_a_feature_no_package_includes_says_to_contact_the_account_manager() -> None:
    error = NotEntitled("api")
    assert "API access" in error.message
    assert "contact your account manager" in error.message


def test_an_included_feature_passes() -> None:
    ensure_entitled(BASE, "content_library")
    ensure_entitled(BASE, "phone")


@pytest.mark.parametrize(
    ("entitlements", "feature", "expected"),
    [
        (BASE, "web", True),
        (BASE, "api", False),
        (BASE, "remote_access_support", True),
        (premier(priority_routing=False), "priority_routing", False),
        (BASE, "admin_task", True),
        (premier(admin_tasks_per_month=0), "admin_task", False),
        (premier(admin_tasks_per_month=0, pooled_quota=True), "admin_task", True),
        (BASE, "advisory_review", True),
        (premier(advisory_services=False), "advisory_review", False),
        (premier(advisory_reviews_per_month=0), "advisory_review", False),
    ],
)
def test_has_feature_reads_channels_quotas_and_flags(
    entitlements: Entitlements, feature: str, expected: bool
) -> None:
    assert has_feature(entitlements, feature) is expected


def test_an_unknown_feature_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        has_feature(BASE, "hardware_support")
    assert caught.value.field == "feature"
    assert set(FEATURE_LABELS) >= {"web", "content_library", "advisory_review"}
