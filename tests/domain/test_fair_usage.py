"""Fair usage: the calendar month in the customer's time zone and the monthly quotas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from successdesk.domain.errors import InvalidInput
from successdesk.domain.fair_usage import (
    FairUsageLimitReached,
    QuotaStatus,
    check_quota,
    limits_for,
    month_window,
    pool_kinds,
)
from tests.domain.test_entitlements import BASE, H, premier

TORONTO = ZoneInfo("America/Toronto")
AUCKLAND = ZoneInfo("Pacific/Auckland")


# --- Fair usage: the calendar month in the customer's time zone ------------------------------


def test_late_on_the_last_day_in_toronto_is_still_november_though_utc_says_december() -> None:
    at = datetime(2026, 12, 1, 4, 30, tzinfo=UTC)  # 2026-11-30 23:30 in Toronto
    start, end = month_window(at, "America/Toronto")
    assert (start, end) == (
        datetime(2026, 11, 1, tzinfo=TORONTO),
        datetime(2026, 12, 1, tzinfo=TORONTO),
    )
    # November 1st is still daylight time (DST ends at 02:00), December is standard time.
    assert start.utcoffset() == timedelta(hours=-4)
    assert end.utcoffset() == timedelta(hours=-5)
    # Aware datetimes in the same zone subtract by wall clock: measure elapsed time in UTC.
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=30, hours=1)
    assert start <= at < end


def test_midnight_in_toronto_belongs_to_the_new_month() -> None:
    at = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 00:00 in Toronto
    assert month_window(at, TORONTO)[0] == datetime(2026, 12, 1, tzinfo=TORONTO)


def test_early_on_the_first_in_auckland_is_already_the_new_month_in_auckland() -> None:
    at = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)  # 2026-04-01 01:00 in Auckland (NZDT)
    start, end = month_window(at, "Pacific/Auckland")
    assert start == datetime(2026, 4, 1, tzinfo=AUCKLAND)
    assert end == datetime(2026, 5, 1, tzinfo=AUCKLAND)
    assert start.utcoffset() == timedelta(hours=13)  # NZ daylight time ends on 5 April
    assert end.utcoffset() == timedelta(hours=12)


def test_an_auckland_spring_forward_month_is_an_hour_shorter() -> None:
    at = datetime(2026, 9, 15, tzinfo=UTC)  # DST starts in New Zealand on 27 September 2026
    start, end = month_window(at, AUCKLAND)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=30) - H


def test_december_rolls_over_into_january_of_the_next_year() -> None:
    at = datetime(2026, 12, 31, 23, 59, tzinfo=TORONTO)
    assert month_window(at, TORONTO) == (
        datetime(2026, 12, 1, tzinfo=TORONTO),
        datetime(2027, 1, 1, tzinfo=TORONTO),
    )


def test_a_month_whose_midnight_does_not_exist_starts_at_the_first_real_instant() -> None:
    asuncion = ZoneInfo("America/Asuncion")  # 2023-10-01 00:00 was skipped to 01:00
    start, _ = month_window(datetime(2023, 10, 15, tzinfo=UTC), asuncion)
    assert (start.hour, start.utcoffset()) == (1, timedelta(hours=-3))
    assert start == datetime(2023, 10, 1, 4, 0, tzinfo=UTC)
    _, end_of_september = month_window(datetime(2023, 9, 15, tzinfo=UTC), asuncion)
    assert end_of_september == start


@pytest.mark.parametrize(
    ("at", "tz", "field"),
    [
        (datetime(2026, 11, 30, 23, 30), "America/Toronto", "at"),
        (datetime(2026, 11, 30, tzinfo=UTC), "Mars/Olympus_Mons", "tz"),
        (datetime(2026, 11, 30, tzinfo=UTC), "", "tz"),
        (datetime(2026, 11, 30, tzinfo=UTC), 5, "tz"),
    ],
)
def test_a_naive_instant_or_an_unknown_time_zone_is_refused(
    at: datetime, tz: Any, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        month_window(at, tz)
    assert caught.value.field == field


ZONES = [
    "UTC",
    "America/Toronto",
    "Pacific/Auckland",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "America/Asuncion",
    "Australia/Lord_Howe",
    "Europe/London",
]


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 2),
        max_value=datetime(2099, 12, 30),
        timezones=st.just(UTC),
    ),
    st.sampled_from(ZONES),
)
def test_every_instant_falls_in_its_month_and_months_tile_the_timeline(
    at: datetime, tz: str
) -> None:
    start, end = month_window(at, tz)
    local = at.astimezone(ZoneInfo(tz))
    assert start.timestamp() <= at.timestamp() < end.timestamp()
    assert (start.year, start.month, start.day) == (local.year, local.month, 1)
    assert end.day == 1
    assert month_window(end, tz)[0] == end
    assert month_window(start, tz) == (start, end)


# --- Fair usage: quotas ----------------------------------------------------------------------

RESET = datetime(2026, 12, 1, tzinfo=TORONTO)


def test_a_quota_counts_the_one_off_extra_and_never_goes_below_zero() -> None:
    status = QuotaStatus(kind="admin_task", limit=5, used=5, extra=1, resets_at=RESET)
    assert (status.remaining, status.exhausted) == (1, False)
    over = QuotaStatus(kind="admin_task", limit=5, used=7, resets_at=RESET)
    assert (over.remaining, over.exhausted) == (0, True)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"limit": -1}, "limit"),
        ({"used": 1.0}, "used"),
        ({"extra": -2}, "extra"),
        ({"resets_at": datetime(2026, 12, 1)}, "resets_at"),
    ],
)
def test_a_quota_status_with_impossible_numbers_is_refused(
    changes: dict[str, Any], field: str
) -> None:
    values: dict[str, Any] = {"kind": "admin_task", "limit": 5, "used": 0, "resets_at": RESET}
    with pytest.raises(InvalidInput) as caught:
        QuotaStatus(**values | changes)
    assert caught.value.field == field


def test_a_quota_with_room_left_passes() -> None:
    check_quota(QuotaStatus(kind="admin_task", limit=5, used=4, resets_at=RESET))


def test_the_sixth_admin_task_in_a_month_is_refused_saying_when_the_limit_resets() -> None:
    status = QuotaStatus(kind="admin_task", limit=5, used=5, resets_at=RESET)
    with pytest.raises(FairUsageLimitReached) as caught:
        check_quota(status)
    error = caught.value
    assert (error.code, error.status) == ("fair_usage_limit_reached", 429)
    assert error.extra == {
        "kind": "admin_task",
        "limit": 5,
        "extra_granted": 0,
        "used": 5,
        "resets_at": "2026-12-01T00:00:00-05:00",
    }
    assert "5 admin tasks per month" in error.message
    assert "resets on 2026-12-01 00:00 EST" in error.message
    assert "account manager" in error.message


def test_an_exhausted_shared_pool_names_both_kinds_and_the_extra_granted() -> None:
    status = QuotaStatus(kind="service_requests", limit=5, used=6, extra=1, resets_at=RESET)
    with pytest.raises(FairUsageLimitReached) as caught:
        check_quota(status)
    assert "admin tasks and advisory reviews combined" in caught.value.message
    assert "plus 1 extra granted" in caught.value.message


def test_separate_quotas_give_each_kind_its_own_pool() -> None:
    e = premier(admin_tasks_per_month=5, advisory_reviews_per_month=3)
    assert limits_for(e, "admin_task") == ("admin_task", 5)
    assert limits_for(e, "advisory_review") == ("advisory_review", 3)


def test_a_pooled_quota_puts_both_kinds_in_one_pool_of_their_sum() -> None:
    e = premier(pooled_quota=True, admin_tasks_per_month=5, advisory_reviews_per_month=3)
    assert limits_for(e, "admin_task") == ("service_requests", 8)
    assert limits_for(e, "advisory_review") == ("service_requests", 8)


def test_an_unknown_quota_kind_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        limits_for(BASE, "password_reset")
    assert caught.value.field == "kind"


def test_the_pooled_quota_counts_both_kinds_and_a_separate_one_only_its_own() -> None:
    assert pool_kinds("service_requests") == ("admin_task", "advisory_review")
    assert pool_kinds("advisory_review") == ("advisory_review",)
