"""Business calendars: named cases and refusals (properties: test_calendar_properties.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest

from successdesk.domain import _timeline
from successdesk.domain import calendars as calendars_module
from successdesk.domain.calendars import (
    VENDOR_HOURS,
    BusinessCalendar,
    default_vendor_calendar,
    holiday_names,
    holidays_for,
)
from successdesk.domain.errors import CalendarError, InvalidInput
from tests.domain.helpers import TORONTO, H, at, utc

WEEKDAYS_8_20 = {d: [(time(8), time(20))] for d in range(5)}
EVERY_DAY_8_20 = {d: [(time(8), time(20))] for d in range(7)}


@pytest.fixture(scope="module")
def vendor() -> BusinessCalendar:
    return default_vendor_calendar()


# -- the vendor calendar and named cases ---------------------------------------------------


def test_the_vendor_calendar_is_twelve_hours_five_days_in_toronto(vendor: BusinessCalendar) -> None:
    assert vendor.describe() == "Mon–Fri 08:00–20:00 America/Toronto"
    assert vendor is default_vendor_calendar()
    assert vendor.tz == TORONTO
    assert dict(vendor.hours) == {d: ((time(8), time(20)),) for d in range(5)}
    assert vendor.holidays[date(2026, 9, 7)] == "Labour Day"
    assert dict(vendor.closures) == {}
    assert not vendor.is_always_open
    assert vendor.between(at(2026, 11, 23), at(2026, 11, 30)) == 60 * H


def test_eight_business_hours_from_friday_evening_land_on_monday(vendor: BusinessCalendar) -> None:
    due = vendor.add(at(2026, 11, 27, 18, 30), 8 * H)
    assert due == at(2026, 11, 30, 14, 30)
    assert due.tzinfo == TORONTO


def test_a_friday_evening_before_labour_day_skips_the_long_weekend(
    vendor: BusinessCalendar,
) -> None:
    friday = at(2026, 9, 4, 19)
    assert vendor.add(friday, 8 * H) == at(2026, 9, 8, 15)
    assert not vendor.is_open(at(2026, 9, 7, 10))
    assert vendor.next_open(friday + 2 * H) == at(2026, 9, 8, 8)
    assert vendor.closed_days(friday, at(2026, 9, 8, 15)) == [
        (date(2026, 9, 5), "weekend"),
        (date(2026, 9, 6), "weekend"),
        (date(2026, 9, 7), "Labour Day"),
    ]


def test_a_holiday_on_a_weekend_is_closed_on_the_day_the_holidays_package_observes_it(
    vendor: BusinessCalendar,
) -> None:
    observed = {
        day: name
        for day, name in holidays.country_holidays("CA", subdiv="ON", years=2027).items()
        if "observed" in name
    }
    # Christmas 2027 is a Saturday and Boxing Day a Sunday: observed Monday and Tuesday.
    assert observed == {
        date(2027, 12, 27): "Christmas Day (observed)",
        date(2027, 12, 28): "Boxing Day (observed)",
    }
    for day in observed:
        assert vendor.windows_on(day) == ()
    assert vendor.add(at(2027, 12, 24, 19), 2 * H) == at(2027, 12, 29, 9)


def test_every_observed_statutory_holiday_closes_the_vendor_calendar(
    vendor: BusinessCalendar,
) -> None:
    for year in range(2024, 2031):
        for day in holidays.country_holidays("CA", subdiv="ON", years=year):
            assert not vendor.is_open(at(day.year, day.month, day.day, 12))


def test_business_time_across_both_dst_changes_is_real_elapsed_time(
    vendor: BusinessCalendar,
) -> None:
    # Friday 18:00 EST + 8h: 2h on Friday, 6h on Monday after the spring-forward weekend.
    due = vendor.add(at(2026, 3, 6, 18), 8 * H)
    assert due == at(2026, 3, 9, 14)
    assert due.utcoffset() == timedelta(hours=-4)
    due = vendor.add(at(2026, 10, 30, 18), 8 * H)
    assert due == at(2026, 11, 2, 14)
    assert due.utcoffset() == timedelta(hours=-5)


def test_a_24x7_calendar_has_a_23_hour_and_a_25_hour_day_in_toronto() -> None:
    always = BusinessCalendar.always_open("America/Toronto")
    assert always.is_always_open
    assert always.describe() == "24/7 America/Toronto"
    assert always.between(at(2026, 3, 8), at(2026, 3, 9)) == 23 * H
    assert always.between(at(2026, 11, 1), at(2026, 11, 2)) == 25 * H
    assert always.add(at(2026, 3, 7, 12), 24 * H) == at(2026, 3, 8, 13)
    assert always.add(at(2026, 10, 31, 12), 24 * H) == at(2026, 11, 1, 11)
    assert always.between(at(2026, 3, 9), at(2026, 3, 8)) == timedelta(0)
    assert always.is_open(at(2026, 3, 8, 2, 30))
    assert always.next_open(datetime(2026, 3, 8, 7, tzinfo=UTC)) == at(2026, 3, 8, 3)
    assert always.next_close(at(2026, 3, 8)) is None
    assert always.add(at(2026, 3, 8), timedelta(0)) == at(2026, 3, 8)
    assert always is BusinessCalendar.always_open(TORONTO)


def test_the_same_24x7_hours_with_a_holiday_count_the_dst_days_the_same_way() -> None:
    hours = {d: [(time(0), time(0))] for d in range(7)}
    calendar = BusinessCalendar("America/Toronto", hours, holidays=[date(2026, 12, 25)])
    assert not calendar.is_always_open
    assert calendar.between(at(2026, 3, 8), at(2026, 3, 9)) == 23 * H
    assert calendar.between(at(2026, 11, 1), at(2026, 11, 2)) == 25 * H
    assert calendar.between(at(2026, 12, 24), at(2026, 12, 27)) == 48 * H


def test_a_window_holds_fewer_or_more_real_hours_when_the_change_falls_inside_it() -> None:
    calendar = BusinessCalendar("America/Toronto", {6: [(time(0), time(12))]})
    assert calendar.between(at(2026, 3, 8), at(2026, 3, 9)) == 11 * H
    assert calendar.between(at(2026, 11, 1), at(2026, 11, 2)) == 13 * H
    assert calendar.between(at(2026, 3, 15), at(2026, 3, 16)) == 12 * H
    # 08:00-20:00 is untouched: Toronto changes at 02:00.
    eight_to_eight = BusinessCalendar("America/Toronto", EVERY_DAY_8_20)
    assert eight_to_eight.between(at(2026, 3, 8), at(2026, 3, 9)) == 12 * H


def test_a_window_edge_in_the_spring_forward_gap_acts_as_the_first_instant_after_the_gap() -> None:
    calendar = BusinessCalendar("America/Toronto", {6: [(time(2, 30), time(4))]})
    sunday = at(2026, 3, 8)
    assert calendar.next_open(sunday) == at(2026, 3, 8, 3)
    assert calendar.next_open(sunday).utcoffset() == timedelta(hours=-4)
    assert calendar.between(sunday, at(2026, 3, 9)) == H
    assert calendar.add(sunday, 30 * timedelta(minutes=1)) == at(2026, 3, 8, 3, 30)
    # A gap-only window is closed that day and open the next week.
    gap = BusinessCalendar("America/Toronto", {6: [(time(2), time(3))]})
    assert gap.between(sunday, at(2026, 3, 9)) == timedelta(0)
    assert gap.next_open(sunday) == at(2026, 3, 15, 2)


def test_a_window_in_the_repeated_hour_is_open_both_times() -> None:
    calendar = BusinessCalendar("America/Toronto", {6: [(time(1), time(1, 30))]})
    sunday = at(2026, 11, 1)
    assert calendar.between(sunday, at(2026, 11, 2)) == H
    assert calendar.is_open(at(2026, 11, 1, 1, 15, fold=0))
    assert calendar.is_open(at(2026, 11, 1, 1, 15, fold=1))
    assert not calendar.is_open(at(2026, 11, 1, 1, 45, fold=0))
    first_close = calendar.next_close(at(2026, 11, 1, 1, 15))
    assert first_close is not None
    assert utc(first_close) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    assert first_close.fold == 0
    second_close = calendar.next_close(at(2026, 11, 1, 1, 45))
    assert second_close is not None
    assert utc(second_close) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)  # 01:30 EST
    assert second_close.fold == 1
    due = calendar.add(sunday, 45 * timedelta(minutes=1))
    assert utc(due) == utc(at(2026, 11, 1, 1, 15, fold=1))
    assert (due.hour, due.minute, due.fold) == (1, 15, 1)


def test_zero_duration_is_the_start_when_open_and_the_next_opening_when_closed(
    vendor: BusinessCalendar,
) -> None:
    assert vendor.add(at(2026, 11, 27, 9), timedelta(0)) == at(2026, 11, 27, 9)
    assert vendor.add(at(2026, 11, 27, 20), timedelta(0)) == at(2026, 11, 30, 8)
    assert vendor.next_open(at(2026, 11, 27, 19, 59)) == at(2026, 11, 27, 19, 59)


def test_a_duration_that_ends_at_closing_time_gives_closing_time(vendor: BusinessCalendar) -> None:
    assert vendor.add(at(2026, 11, 27, 8), 12 * H) == at(2026, 11, 27, 20)
    assert vendor.add(at(2026, 11, 27, 8), 12 * H + timedelta(microseconds=1)) == at(
        2026, 11, 30, 8, 0, 0, 1
    )


def test_results_are_in_the_calendar_zone_whatever_the_zone_of_the_input(
    vendor: BusinessCalendar,
) -> None:
    start = datetime(2026, 11, 27, 14, tzinfo=UTC)  # 09:00 in Toronto
    assert vendor.add(start, H) == at(2026, 11, 27, 10)
    assert vendor.add(start, H).tzinfo == TORONTO
    assert vendor.between(start, at(2026, 11, 27, 10)) == H


def test_next_close_is_the_end_of_the_current_or_next_open_period(
    vendor: BusinessCalendar,
) -> None:
    assert vendor.next_close(at(2026, 11, 27, 9)) == at(2026, 11, 27, 20)
    assert vendor.next_close(at(2026, 11, 27, 21)) == at(2026, 11, 30, 20)
    split = BusinessCalendar(
        "Europe/London",
        {0: [(time(20), time(0))], 1: [(time(0), time(2)), (time(9), time(12))]},
    )
    london = ZoneInfo("Europe/London")
    assert split.next_close(at(2026, 6, 1, 21, tz=london)) == at(2026, 6, 2, 2, tz=london)
    assert split.describe() == "Mon 20:00–24:00; Tue 00:00–02:00, 09:00–12:00 Europe/London"


def test_next_close_looks_across_chunks_and_gives_up_after_a_year() -> None:
    hours = {d: [(time(0), time(0))] for d in range(7)}
    holiday = date(2026, 10, 1)
    calendar = BusinessCalendar("UTC", hours, holidays=[holiday])
    utc = ZoneInfo("UTC")
    assert calendar.next_close(at(2026, 1, 1, tz=utc)) == at(2026, 10, 1, tz=utc)
    assert calendar.next_close(at(2026, 10, 2, tz=utc)) is None
    # Open until a chunk edge, then closed: the close is that edge.
    edge = _timeline.to_datetime(_timeline.CHUNK_US * 320, utc)
    calendar = BusinessCalendar("UTC", hours, holidays=[edge.date()])
    assert calendar.next_close(edge - 3 * H) == edge


def test_split_shifts_and_a_closure_with_reduced_hours() -> None:
    hours = {d: [(time(9), time(12)), (time(13), time(17))] for d in range(5)}
    eve = date(2026, 12, 24)
    calendar = BusinessCalendar(
        TORONTO, hours, holidays={date(2026, 12, 25): "Christmas Day"}, closures={eve: []}
    )
    assert calendar.describe() == "Mon–Fri 09:00–12:00, 13:00–17:00 America/Toronto"
    assert calendar.add(at(2026, 12, 1, 11), 2 * H) == at(2026, 12, 1, 14)
    assert not calendar.is_open(at(2026, 12, 1, 12, 30))
    assert calendar.closed_days(at(2026, 12, 24), at(2026, 12, 28)) == [
        (eve, "closure"),
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 26), "weekend"),
        (date(2026, 12, 27), "weekend"),
    ]
    reduced = BusinessCalendar(TORONTO, hours, closures={eve: [(time(9), time(11))]})
    assert reduced.between(at(2026, 12, 24), at(2026, 12, 25)) == 2 * H
    assert reduced.windows_on(eve) == ((time(9), time(11)),)
    assert dict(reduced.closures) == {eve: ((time(9), time(11)),)}


def test_touching_windows_are_joined_and_midnight_ends_join_the_next_day() -> None:
    calendar = BusinessCalendar(
        "UTC",
        {0: [(time(12), time(0)), (time(8), time(12))], 1: [(time(0), time(6))]},
    )
    utc = ZoneInfo("UTC")
    assert calendar.hours[0] == ((time(8), time(0)),)
    assert calendar.describe() == "Mon 08:00–24:00; Tue 00:00–06:00 UTC"
    assert calendar.next_close(at(2026, 6, 1, 9, tz=utc)) == at(2026, 6, 2, 6, tz=utc)
    assert calendar.add(at(2026, 6, 1, 23, tz=utc), 2 * H) == at(2026, 6, 2, 1, tz=utc)


def test_describe_groups_days_with_the_same_hours() -> None:
    hours: dict[int, Any] = {0: [(time(9), time(17))], 2: [(time(9), time(17))]}
    hours |= {4: [(time(9), time(17))], 5: [(time(10), time(14, 30, 15))]}
    calendar = BusinessCalendar("Asia/Kolkata", hours)
    assert calendar.describe() == "Mon, Wed, Fri 09:00–17:00; Sat 10:00–14:30:15 Asia/Kolkata"
    assert repr(calendar) == (
        "BusinessCalendar('Mon, Wed, Fri 09:00–17:00; Sat 10:00–14:30:15 Asia/Kolkata', "
        "holidays=0, closures=0)"
    )


def test_calendars_with_the_same_rules_are_equal() -> None:
    one = BusinessCalendar("America/Toronto", WEEKDAYS_8_20, holidays=[date(2026, 1, 1)])
    two = BusinessCalendar(TORONTO, WEEKDAYS_8_20, holidays={date(2026, 1, 1): "New Year"})
    other = BusinessCalendar(TORONTO, WEEKDAYS_8_20)
    assert one == two
    assert hash(one) == hash(two)
    assert one != other
    assert one != "a calendar"
    assert one.holidays[date(2026, 1, 1)] == "holiday"


def test_from_config_merges_country_holidays_with_the_vendors_own() -> None:
    company_day = date(2026, 8, 3)
    calendar = BusinessCalendar.from_config(
        tz="America/Toronto",
        hours=VENDOR_HOURS,
        country="CA",
        subdiv="ON",
        years=[2026],
        holidays=[company_day],
        closures={date(2026, 12, 24): [(time(8), time(12))]},
    )
    assert calendar.holidays[date(2026, 7, 1)] == "Canada Day"
    assert calendar.holidays[company_day] == "holiday"
    named = BusinessCalendar.from_config(
        tz=TORONTO, hours=VENDOR_HOURS, holidays={company_day: "Civic Holiday"}
    )
    assert dict(named.holidays) == {company_day: "Civic Holiday"}


def test_holidays_for_gives_the_dates_of_a_country_and_subdivision() -> None:
    dates = holidays_for("CA", "ON", [2026])
    assert date(2026, 2, 16) in dates  # Family Day: Ontario, not federal
    assert date(2026, 11, 11) not in dates  # Remembrance Day: not in Ontario
    assert holiday_names("GB", "ENG", [2026])[date(2026, 12, 25)] == "Christmas Day"


@pytest.mark.parametrize(("country", "subdiv"), [("XX", None), ("CA", "ZZ")])
def test_an_unknown_country_or_subdivision_is_refused(country: str, subdiv: str | None) -> None:
    with pytest.raises(CalendarError, match="No holiday data"):
        holidays_for(country, subdiv, [2026])


# -- refusals -------------------------------------------------------------------------------


def test_a_calendar_with_no_open_time_is_refused() -> None:
    with pytest.raises(CalendarError, match="no open hours") as caught:
        BusinessCalendar("America/Toronto", {0: [], 6: ()})
    assert caught.value.code == "invalid_calendar"


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({0: [(time(8), time(12)), (time(11), time(14))]}, "Monday: windows 08:00–12:00 and"),
        ({2: [(time(20), time(0)), (time(21), time(22))]}, "Wednesday: windows 20:00–24:00"),
        ({1: [(time(20), time(8))]}, "Tuesday: window 20:00–08:00 does not end after"),
        ({3: [(time(8), time(8))]}, "Thursday: window 08:00–08:00"),
        ({6: [(time(8, tzinfo=UTC), time(9))]}, "Sunday: each window must be a"),
        ({6: [(time(8), time(9, tzinfo=UTC))]}, "Sunday: each window must be a"),
        ({7: [(time(8), time(9))]}, "keyed by weekday 0"),
        ({-1: [(time(8), time(9))]}, "keyed by weekday 0"),
    ],
)
def test_bad_weekly_hours_are_refused_naming_the_weekday(hours: Any, message: str) -> None:
    with pytest.raises(CalendarError, match=message):
        BusinessCalendar("UTC", hours)


def test_bad_closures_and_zones_are_refused() -> None:
    with pytest.raises(CalendarError, match="closure on 2026-01-02: window 10:00–09:00"):
        BusinessCalendar("UTC", VENDOR_HOURS, closures={date(2026, 1, 2): [(time(10), time(9))]})
    for zone in ("Mars/Olympus", "", "../etc/passwd"):
        with pytest.raises(CalendarError, match="Unknown time zone"):
            BusinessCalendar(zone, VENDOR_HOURS)


def test_naive_datetimes_are_refused_with_a_clear_error(vendor: BusinessCalendar) -> None:
    naive = datetime(2026, 11, 27, 9)
    for call in (
        lambda: vendor.add(naive, H),
        lambda: vendor.between(at(2026, 11, 27), naive),
        lambda: vendor.is_open(naive),
        lambda: vendor.next_open(naive),
        lambda: vendor.next_close(naive),
        lambda: vendor.closed_days(naive, naive),
        lambda: vendor.add(date(2026, 11, 27), H),  # type: ignore[arg-type]
    ):
        with pytest.raises(InvalidInput, match="must be a timezone-aware datetime") as caught:
            call()
        assert caught.value.code == "invalid_input"


def test_negative_durations_are_refused(vendor: BusinessCalendar) -> None:
    with pytest.raises(InvalidInput, match="must not be negative"):
        vendor.add(at(2026, 11, 27, 9), -timedelta(seconds=1))


def test_instants_outside_years_1_to_9999_are_refused(vendor: BusinessCalendar) -> None:
    with pytest.raises(
        InvalidInput, match="outside the supported range 0001-02-28 to 9999-11-28 UTC"
    ):
        vendor.is_open(datetime(9999, 12, 31, 12, tzinfo=UTC))
    with pytest.raises(
        InvalidInput, match="outside the supported range 0001-02-28 to 9999-11-28 UTC"
    ):
        vendor.is_open(datetime(1, 1, 1, 12, tzinfo=UTC))


def test_searches_that_run_past_year_9999_stop_with_an_error() -> None:
    last = _timeline.to_datetime(_timeline.MAX_US - 1, ZoneInfo("UTC"))
    with pytest.raises(CalendarError, match="before the end of year 9999"):
        default_vendor_calendar().add(last - timedelta(days=10), 1000 * H)
    with pytest.raises(CalendarError, match="before the end of year 9999"):
        BusinessCalendar("UTC", {0: [(time(1), time(2))]}).next_open(last - H)
    with pytest.raises(InvalidInput, match="after year 9999"):
        BusinessCalendar.always_open().add(last, 2 * H)
    hours = {d: [(time(0), time(0))] for d in range(7)}
    assert BusinessCalendar("UTC", hours, [date(2026, 1, 1)]).next_close(last - H) is None


def test_long_closures_are_skipped_whole_chunks_at_a_time() -> None:
    shutdown = {date(2026, 1, 1) + timedelta(days=n): () for n in range(300)}
    calendar = BusinessCalendar("Europe/London", EVERY_DAY_8_20, closures=shutdown)
    london = ZoneInfo("Europe/London")
    start = at(2025, 12, 31, 19, tz=london)
    assert calendar.next_open(start) == start
    assert calendar.next_open(start + H) == at(2026, 10, 28, 8, tz=london)
    assert calendar.add(start, 2 * H) == at(2026, 10, 28, 9, tz=london)
    assert calendar.between(start, at(2026, 10, 29, tz=london)) == 13 * H


def test_open_time_adds_up_across_the_edge_of_a_cached_chunk() -> None:
    utc = ZoneInfo("UTC")
    edge = _timeline.to_datetime(_timeline.CHUNK_US * 160, utc)  # 2026-01-27 00:00 UTC
    calendar = BusinessCalendar("UTC", EVERY_DAY_8_20)
    day = timedelta(days=1)
    assert calendar.between(edge, edge + day) == 12 * H
    assert calendar.between(edge - day, edge + day) == 24 * H
    assert calendar.between(edge + H, edge + 2 * H) == timedelta(0)
    assert calendar.add(edge - 5 * H, 6 * H) == edge + 13 * H


def test_the_memo_of_durations_is_bounded(vendor: BusinessCalendar) -> None:
    start = at(2026, 11, 27, 9)
    for n in range(5000):
        vendor.add(start, timedelta(microseconds=n))
    assert len(calendars_module._DURATIONS) <= 4096


def test_the_cache_of_open_intervals_is_bounded(vendor: BusinessCalendar) -> None:
    calendar = BusinessCalendar(vendor.tz, vendor.hours, vendor.holidays)
    timeline = calendar._timeline
    assert timeline is not None
    timeline.max_chunks = 2
    assert calendar.add(at(2026, 1, 5, 8), 4000 * H) == vendor.add(at(2026, 1, 5, 8), 4000 * H)
    assert len(timeline.chunks) <= 2


def test_duration_independent_cost_gives_the_same_answer_as_small_steps(
    vendor: BusinessCalendar,
) -> None:
    start = at(2026, 1, 5, 8)
    step_by_step = start
    for _ in range(100):
        step_by_step = vendor.add(step_by_step, 20 * H)
    assert vendor.add(start, 2000 * H) == step_by_step
    assert vendor.between(start, step_by_step) == 2000 * H
