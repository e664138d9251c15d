"""Business calendars against a brute-force, minute-by-minute oracle, in zones with odd
DST rules: random weekly hours, holidays and closures near every offset change."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from successdesk.domain.calendars import (
    BusinessCalendar,
)
from tests.domain.helpers import H, utc
from tests.domain.oracle import OracleCalendar

# -- properties against the oracle -----------------------------------------------------------

ZONES = (
    "America/Toronto",
    "Europe/London",
    "Asia/Kolkata",
    "Australia/Lord_Howe",  # 30-minute DST shift
    "America/Havana",  # changes at midnight
    "America/Santiago",  # changes at 24:00: the local date 2026-09-06 starts at 01:00
)
MINUTE = timedelta(minutes=1)
EDGES = st.sampled_from([0, 30, 60, 90, 120, 150, 180, 1380, 1440])


@functools.cache
def transitions(zone: str) -> tuple[datetime, ...]:
    """Instants (UTC, within half an hour) of the zone's offset changes in 2026."""
    tz, found = ZoneInfo(zone), []
    t = datetime(2026, 1, 1, tzinfo=UTC)
    while t.year < 2027:
        if (t + timedelta(minutes=30)).astimezone(tz).utcoffset() != t.astimezone(tz).utcoffset():
            found.append(t)
        t += timedelta(minutes=30)
    return tuple(found)


def _time(minute: int) -> time:
    return time(0) if minute == 1440 else time(minute // 60, minute % 60)


@st.composite
def day_windows(draw: st.DrawFn) -> list[tuple[time, time]]:
    count = draw(st.integers(0, 3))
    edges = draw(
        st.lists(
            st.one_of(EDGES, st.integers(0, 1440)),
            min_size=2 * count,
            max_size=2 * count,
            unique=True,
        )
    )
    edges.sort()
    return [(_time(edges[i]), _time(edges[i + 1])) for i in range(0, len(edges), 2)]


@st.composite
def cases(draw: st.DrawFn) -> tuple[BusinessCalendar, OracleCalendar, datetime, int]:
    """A random calendar, its oracle, a whole-minute start near a DST change (or anywhere
    in 2026) and the calendar's weekly open minutes."""
    zone = draw(st.sampled_from(ZONES))
    hours = {d: draw(day_windows()) for d in range(7)}
    weekly = sum(
        ((e.hour * 60 + e.minute) or 1440) - (s.hour * 60 + s.minute)
        for windows in hours.values()
        for s, e in windows
    )
    assume(weekly > 0)
    bases = [*transitions(zone), datetime(2026, 1, 1, tzinfo=UTC)]
    base = draw(st.sampled_from(bases))
    start = base + draw(st.integers(-4 * 1440, 4 * 1440 if base.month > 1 else 360 * 1440)) * MINUTE
    first = start.astimezone(ZoneInfo(zone)).date()
    day = st.integers(-2, 20).map(lambda n: first + timedelta(days=n))
    holiday_dates = frozenset(draw(st.lists(day, max_size=4)))
    closures = draw(st.dictionaries(day, day_windows(), max_size=3))
    calendar = BusinessCalendar(zone, hours, holidays=holiday_dates, closures=closures)
    oracle = OracleCalendar(zone, hours, holiday_dates, closures)
    return calendar, oracle, start, weekly


PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(case=cases(), data=st.data())
def test_add_agrees_with_the_minute_by_minute_oracle(case: Any, data: st.DataObject) -> None:
    calendar, oracle, start, weekly = case
    duration = data.draw(st.integers(0, min(weekly, 3 * 1440))) * MINUTE
    assert utc(calendar.add(start, duration)) == oracle.add(start, duration)


@PROPERTY
@given(case=cases(), span=st.integers(-60, 3 * 1440))
def test_between_agrees_with_the_minute_by_minute_oracle(case: Any, span: int) -> None:
    calendar, oracle, start, _ = case
    end = start + span * MINUTE
    assert calendar.between(start, end) == (oracle.between(start, end) if span > 0 else 0 * H)


@PROPERTY
@given(case=cases(), offset=st.integers(0, 3 * 1440))
def test_is_open_next_open_and_next_close_agree_with_the_oracle(case: Any, offset: int) -> None:
    calendar, oracle, start, _ = case
    probe = start + offset * MINUTE
    assert calendar.is_open(probe) == oracle.is_open(probe)
    opening = oracle.add(probe, timedelta(0))
    assert utc(calendar.next_open(probe)) == opening
    closing = opening
    while oracle.is_open(closing) and closing - opening < timedelta(days=8):
        closing += MINUTE
    assume(closing - opening < timedelta(days=8))
    closes = calendar.next_close(probe)
    assert closes is not None
    assert utc(closes) == closing


@PROPERTY
@given(
    case=cases(),
    data=st.data(),
    start_us=st.integers(1, 60_000_000 - 1),
    duration_us=st.integers(0, 60_000_000 - 1),
)
def test_sub_minute_starts_and_durations_agree_with_the_oracle(
    case: Any, data: st.DataObject, start_us: int, duration_us: int
) -> None:
    calendar, oracle, start, weekly = case
    start += timedelta(microseconds=start_us)
    duration = data.draw(st.integers(0, min(weekly, 2 * 1440) - 1)) * MINUTE
    duration += timedelta(microseconds=duration_us)
    due = calendar.add(start, duration)
    assert utc(due) == oracle.add(start, duration)
    assert calendar.between(start, due) == oracle.between(start, due) == duration


@settings(max_examples=100, deadline=None)
@given(case=cases(), data=st.data())
def test_between_start_and_add_is_the_duration(case: Any, data: st.DataObject) -> None:
    calendar, _, start, weekly = case
    start += timedelta(microseconds=data.draw(st.integers(0, 86_400_000_000)))
    duration = timedelta(microseconds=data.draw(st.integers(0, weekly * 60_000_000 * 20)))
    assert calendar.between(start, calendar.add(start, duration)) == duration


@settings(max_examples=100, deadline=None)
@given(case=cases(), data=st.data())
def test_add_never_goes_backwards(case: Any, data: st.DataObject) -> None:
    calendar, _, start, weekly = case
    micro = st.integers(0, weekly * 60_000_000 * 3).map(lambda n: timedelta(microseconds=n))
    later, shorter, longer = data.draw(micro), data.draw(micro), data.draw(micro)
    shorter, longer = sorted((shorter, longer))
    assert calendar.add(start, shorter) <= calendar.add(start, longer)
    assert calendar.add(start, shorter) <= calendar.add(start + later, shorter)
    assert calendar.add(start, shorter) >= start
