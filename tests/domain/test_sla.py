"""SLA targets, tables and clocks: pauses, due times, states, explanations, storage."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from successdesk.domain.calendars import BusinessCalendar, default_vendor_calendar
from successdesk.domain.errors import Conflict, InvalidInput
from successdesk.domain.lifecycle import ClockEffect
from successdesk.domain.sla_clock import Pause, SlaClock
from successdesk.domain.sla_targets import SlaTable, SlaTarget
from successdesk.domain.sla_text import closed_runs, format_duration
from tests.domain.helpers import H, at, utc

M = timedelta(minutes=1)


@pytest.fixture(scope="module")
def vendor() -> BusinessCalendar:
    return default_vendor_calendar()


def clock(vendor: BusinessCalendar, hours: float = 8, **extra: Any) -> SlaClock:
    return SlaClock(target=timedelta(hours=hours), calendar=vendor, **extra)


PREMIER = SlaTable(
    {
        1: SlaTarget(first_response=H, resolution=4 * H, business_hours=False),
        2: SlaTarget(first_response=2 * H, resolution=8 * H),
        3: SlaTarget(first_response=4 * H, resolution=24 * H),
        4: SlaTarget(first_response=8 * H, resolution=40 * H),
    }
)


# -- targets and tables ---------------------------------------------------------------------


def test_a_table_gives_each_severity_its_target_and_round_trips_through_json() -> None:
    assert PREMIER.target(1).business_hours is False
    assert PREMIER[2].duration("first_response") == 2 * H
    assert PREMIER[2].duration("resolution") == 8 * H
    assert list(PREMIER) == [1, 2, 3, 4]
    assert len(PREMIER) == 4
    stored = json.loads(json.dumps(PREMIER.to_dict()))
    assert stored["1"] == {
        "first_response_seconds": 3600,
        "resolution_seconds": 14400,
        "business_hours": False,
    }
    again = SlaTable.from_dict(stored)
    assert again == PREMIER
    assert hash(again) == hash(PREMIER)
    assert repr(again).startswith("SlaTable({1: SlaTarget(first_response=")


def test_targets_keep_fractions_of_a_second() -> None:
    target = SlaTarget(first_response=timedelta(seconds=90.5), resolution=H)
    assert target.to_dict()["first_response_seconds"] == 90.5
    assert SlaTarget.from_dict(target.to_dict()) == target


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"first_response": timedelta(0), "resolution": H}, "first_response must be a positive"),
        ({"first_response": H, "resolution": -H}, "resolution must be a positive"),
    ],
)
def test_bad_targets_are_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        SlaTarget(**fields)


@pytest.mark.parametrize("value", [float("nan"), 1e30], ids=lambda v: repr(v))
def test_stored_targets_with_durations_out_of_range_are_refused(value: float) -> None:
    with pytest.raises(InvalidInput, match="first_response_seconds must be a number of seconds"):
        SlaTarget.from_dict({"first_response_seconds": value, "resolution_seconds": 60})


def test_a_stored_target_without_a_duration_is_refused() -> None:
    with pytest.raises(InvalidInput, match="first_response_seconds must be a number of seconds"):
        SlaTarget.from_dict({"resolution_seconds": 60})


def test_a_table_needs_all_four_severities_and_real_targets() -> None:
    targets = dict(PREMIER)
    with pytest.raises(InvalidInput, match="exactly severities 1, 2, 3 and 4; got \\[1, 2, 3\\]"):
        SlaTable({s: targets[s] for s in (1, 2, 3)})
    with pytest.raises(InvalidInput, match="Severity must be 1, 2, 3 or 4; got 5") as caught:
        PREMIER.target(5)
    assert caught.value.field == "severity"


@pytest.mark.parametrize(
    "data",
    [
        {"one": PREMIER[1].to_dict()},
        {"1": "fast"},
        ["1", "2"],
    ],
)
def test_malformed_stored_tables_are_refused(data: Any) -> None:
    with pytest.raises(InvalidInput, match="Not an SLA table"):
        SlaTable.from_dict(data)


# -- clocks ---------------------------------------------------------------------------------


def test_a_clock_for_a_target_counts_business_hours_or_around_the_clock(
    vendor: BusinessCalendar,
) -> None:
    sev2 = SlaClock.for_target(PREMIER[2], "first_response", vendor, at_risk_share=0.5)
    assert (sev2.target, sev2.kind, sev2.business_hours, sev2.at_risk_share) == (
        2 * H,
        "first_response",
        True,
        0.5,
    )
    assert sev2.counting is vendor
    sev1 = SlaClock.for_target(PREMIER[1], "resolution", vendor)
    assert sev1.counting == BusinessCalendar.always_open("America/Toronto")
    started = sev1.start(at(2026, 11, 27, 18, 30))
    assert started.due_at() == at(2026, 11, 27, 22, 30)
    assert started.explain() == (
        "Started Fri 27 Nov 18:30 EST; 4h around the clock (America/Toronto); "
        "due Fri 27 Nov 22:30 EST."
    )


def test_a_clock_that_has_not_started_counts_nothing(vendor: BusinessCalendar) -> None:
    idle = clock(vendor)
    assert idle.due_at() is None
    assert idle.elapsed(at(2026, 11, 27)) == timedelta(0)
    assert idle.remaining(at(2026, 11, 27)) == 8 * H
    assert idle.state(at(2026, 11, 27)) == "on_track"
    assert idle.explain() == "Not started; 8h business time on Mon–Fri 08:00–20:00 America/Toronto."
    assert not idle.is_paused


def test_the_due_time_skips_the_weekend_and_explains_it(vendor: BusinessCalendar) -> None:
    running = clock(vendor).start(at(2026, 11, 27, 18, 30))
    assert running.due_at() == at(2026, 11, 30, 14, 30)
    assert running.explain() == (
        "Started Fri 27 Nov 18:30 EST; 8h business time on Mon–Fri 08:00–20:00 "
        "America/Toronto; skipped Sat 28–Sun 29 Nov (weekend); due Mon 30 Nov 14:30 EST."
    )


def test_a_pause_shifts_the_due_time_by_the_business_time_it_covered(
    vendor: BusinessCalendar,
) -> None:
    running = clock(vendor).start(at(2026, 11, 27, 18, 30))
    paused = running.pause(at(2026, 11, 30, 9), "awaiting customer")
    assert paused.is_paused
    assert paused.due_at() is None
    assert paused.due_if_resumed(at(2026, 11, 30, 11, 10)) == at(2026, 11, 30, 16, 40)
    assert paused.state(at(2026, 11, 30, 10)) == "paused"
    assert (
        paused.remaining(at(2026, 11, 30, 10))
        == paused.remaining(at(2026, 12, 3))
        == 5 * H + 30 * M
    )
    assert paused.explain().endswith(
        "paused since Mon 30 Nov 09:00 EST awaiting customer; due time on hold while paused."
    )
    resumed = paused.resume(at(2026, 11, 30, 11, 10))
    assert resumed.due_at() == at(2026, 11, 30, 16, 40)
    assert resumed.due_if_resumed(at(2026, 12, 1)) == resumed.due_at()
    assert resumed.explain() == (
        "Started Fri 27 Nov 18:30 EST; 8h business time on Mon–Fri 08:00–20:00 "
        "America/Toronto; skipped Sat 28–Sun 29 Nov (weekend); paused 2h 10m awaiting "
        "customer (Mon 30 Nov 09:00–11:10 EST); due Mon 30 Nov 16:40 EST."
    )


def test_a_pause_over_a_closed_weekend_only_shifts_by_the_open_time_it_covered(
    vendor: BusinessCalendar,
) -> None:
    started = clock(vendor).start(at(2026, 11, 27, 10))
    assert started.due_at() == at(2026, 11, 27, 18)
    paused = started.pause(at(2026, 11, 27, 17), "awaiting customer")
    resumed = paused.resume(at(2026, 11, 30, 9))
    # 3h on Friday and 1h on Monday were paused: 7h counted before, 1h left on Monday.
    assert resumed.due_at() == at(2026, 11, 30, 10)
    assert resumed.elapsed(at(2026, 11, 30, 9, 30)) == 7 * H + 30 * M
    assert "paused 4h awaiting customer (Fri 27 Nov 17:00 EST to Mon 30 Nov 09:00 EST)" in (
        resumed.explain()
    )
    around_the_clock = clock(vendor, business_hours=False).start(at(2026, 11, 27, 10))
    weekend = around_the_clock.pause(at(2026, 11, 27, 17), "awaiting customer")
    assert weekend.resume(at(2026, 11, 30, 9)).due_at() == at(2026, 11, 30, 10)


def test_states_go_from_on_track_to_at_risk_to_breached(vendor: BusinessCalendar) -> None:
    running = clock(vendor).start(at(2026, 11, 30, 8))
    assert running.state(at(2026, 11, 30, 7)) == "on_track"  # before the start
    assert running.state(at(2026, 11, 30, 13, 59)) == "on_track"
    assert running.state(at(2026, 11, 30, 14)) == "at_risk"  # 6h of 8h = 75%
    assert running.state(at(2026, 11, 30, 16)) == "at_risk"  # the due instant itself
    assert running.state(at(2026, 11, 30, 16, 0, 1)) == "breached"
    assert running.remaining(at(2026, 11, 30, 17)) == -H
    eager = clock(vendor, at_risk_share=0.5).start(at(2026, 11, 30, 8))
    assert eager.state(at(2026, 11, 30, 12)) == "at_risk"


def test_a_clock_stopped_in_time_is_met_and_one_stopped_late_is_missed(
    vendor: BusinessCalendar,
) -> None:
    running = clock(vendor).start(at(2026, 11, 30, 8))
    met = running.stop(at(2026, 11, 30, 16))
    assert met.state(at(2026, 12, 25)) == "met"
    assert met.state(at(2026, 11, 30, 15)) == "at_risk"  # as it stood before the stop
    assert met.elapsed(at(2026, 12, 25)) == 8 * H
    assert met.explain().endswith("due Mon 30 Nov 16:00 EST; stopped Mon 30 Nov 16:00 EST (met).")
    missed = running.stop(at(2026, 12, 1, 9))
    assert missed.state(at(2026, 12, 1, 9)) == "missed"
    assert missed.state(at(2026, 12, 1, 8, 30)) == "breached"
    assert missed.explain().endswith("stopped Tue 1 Dec 09:00 EST (missed).")
    early = running.stop(at(2026, 11, 30, 9))
    assert early.due_at() == at(2026, 11, 30, 16)
    assert early.state(at(2026, 11, 30, 20)) == "met"


def test_a_clock_stopped_while_paused_ends_the_pause(vendor: BusinessCalendar) -> None:
    paused = clock(vendor).start(at(2026, 11, 30, 8)).pause(at(2026, 11, 30, 10), "waiting")
    stopped = paused.stop(at(2026, 12, 2, 12))
    assert stopped.pauses == (
        Pause(start=utc(at(2026, 11, 30, 10)), reason="waiting", end=utc(at(2026, 12, 2, 12))),
    )
    assert stopped.elapsed(at(2026, 12, 3)) == 2 * H
    assert stopped.due_at() == at(2026, 12, 2, 18)  # as if resumed at the stop
    assert stopped.state(at(2026, 12, 3)) == "met"


def test_lifecycle_effects_pause_resume_stop_and_restart_a_clock(
    vendor: BusinessCalendar,
) -> None:
    def effect(action: Any) -> ClockEffect:
        return ClockEffect("resolution", action)

    running = clock(vendor).start(at(2026, 11, 30, 8))
    paused = running.apply(effect("pause"), at(2026, 11, 30, 10))
    assert paused.pauses == (Pause(start=utc(at(2026, 11, 30, 10)), reason="awaiting customer"),)
    assert paused.apply(effect("pause"), at(2026, 11, 30, 11)) == paused
    resumed = paused.apply(effect("resume"), at(2026, 11, 30, 12))
    assert resumed.due_at() == at(2026, 11, 30, 18)
    assert resumed.apply(effect("resume"), at(2026, 11, 30, 13)) == resumed
    stopped = resumed.apply(effect("stop"), at(2026, 11, 30, 14))
    assert stopped.stopped_at == utc(at(2026, 11, 30, 14))
    assert stopped.apply(effect("stop"), at(2026, 11, 30, 15)) == stopped
    assert stopped.apply(effect("pause"), at(2026, 11, 30, 15)) == stopped
    restarted = stopped.apply(effect("restart"), at(2026, 12, 1, 9))
    assert (restarted.started_at, restarted.pauses, restarted.stopped_at) == (
        utc(at(2026, 12, 1, 9)),
        (),
        None,
    )


def test_time_spent_resolved_is_a_pause_when_a_case_reopens(vendor: BusinessCalendar) -> None:
    resolved = clock(vendor).start(at(2026, 11, 30, 8)).stop(at(2026, 11, 30, 10))
    reopened = resolved.apply(ClockEffect("resolution", "resume"), at(2026, 12, 1, 9))
    assert reopened.stopped_at is None
    assert reopened.pauses == (
        Pause(
            start=utc(at(2026, 11, 30, 10)), reason="while resolved", end=utc(at(2026, 12, 1, 9))
        ),
    )
    assert reopened.due_at() == at(2026, 12, 1, 15)  # 2h used, 6h left from 09:00


def test_a_breach_stays_a_breach_while_paused(vendor: BusinessCalendar) -> None:
    running = clock(vendor, hours=1).start(at(2026, 11, 30, 8))
    late = running.pause(at(2026, 11, 30, 10), "awaiting customer")
    assert late.due_at() == at(2026, 11, 30, 9)
    assert late.state(at(2026, 11, 30, 11)) == "breached"
    assert late.remaining(at(2026, 11, 30, 11)) == -H
    assert "due Mon 30 Nov 09:00 EST" in late.explain()


def test_pauses_in_the_repeated_hour_are_ordered_by_real_time() -> None:
    always = BusinessCalendar.always_open("America/Toronto")
    running = SlaClock(target=4 * H, calendar=always).start(at(2026, 11, 1, 0))
    paused = running.pause(at(2026, 11, 1, 1, 30, fold=0), "awaiting customer")
    resumed = paused.resume(at(2026, 11, 1, 1, 10, fold=1))  # 40 minutes later
    assert utc(resumed.due_at()) == utc(at(2026, 11, 1, 3, 40))
    assert resumed.elapsed(at(2026, 11, 1, 1, 20, fold=1)) == 1 * H + 30 * M + 10 * M
    with pytest.raises(InvalidInput, match="before the clock's last event"):
        paused.resume(at(2026, 11, 1, 1, 10, fold=0))


def test_explanations_name_holidays_and_sum_up_long_spans(vendor: BusinessCalendar) -> None:
    labour_day = clock(vendor).start(at(2026, 9, 4, 19)).explain()
    assert "skipped Sat 5–Mon 7 Sep (weekend, Labour Day); due Tue 8 Sep 15:00 EDT" in labour_day
    halloween = clock(vendor, hours=2).start(at(2026, 10, 30, 19)).explain()
    assert "skipped Sat 31 Oct–Sun 1 Nov (weekend); due Mon 2 Nov 09:00 EST" in halloween
    long = clock(vendor, hours=400).start(at(2026, 11, 27, 18, 30)).explain()
    assert "skipped 19 closed days (weekend, Christmas Day, Boxing Day" in long
    assert closed_runs([(date(2026, 12, 2), "closure")]) == "Wed 2 Dec (closure)"


def test_durations_are_written_in_hours_minutes_and_seconds() -> None:
    assert format_duration(400 * H) == "400h"
    assert format_duration(2 * H + 10 * M) == "2h 10m"
    assert format_duration(timedelta(seconds=45)) == "45s"
    assert format_duration(timedelta(0)) == "0m"
    assert format_duration(-(H + 30 * M)) == "-1h 30m"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"target": timedelta(0)}, "target must be a positive"),
        ({"kind": "response"}, "kind must be first_response or resolution"),
        ({"at_risk_share": 0}, "at_risk_share must be in"),
        ({"at_risk_share": 1.5}, "at_risk_share must be in"),
        ({"stopped_at": at(2026, 1, 1)}, "has not started cannot be paused or stopped"),
        ({"started_at": datetime(2026, 1, 1)}, "started_at must be a timezone-aware"),
        (
            {"started_at": at(2026, 1, 2), "stopped_at": at(2026, 1, 1)},
            "events must be in time order",
        ),
        (
            {
                "started_at": at(2026, 1, 1),
                "pauses": (Pause(at(2026, 1, 2), "a"), Pause(at(2026, 1, 3), "b")),
            },
            "Only the last pause",
        ),
        (
            {
                "started_at": at(2026, 1, 1),
                "pauses": (Pause(at(2026, 1, 2), "a"),),
                "stopped_at": at(2026, 1, 3),
            },
            "Only the last pause",
        ),
    ],
)
def test_inconsistent_clocks_are_refused(
    vendor: BusinessCalendar, fields: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {"target": H, "calendar": vendor} | fields
    with pytest.raises(InvalidInput, match=message):
        SlaClock(**arguments)


def test_clock_events_are_stored_in_utc(vendor: BusinessCalendar) -> None:
    stored = SlaClock(
        target=H,
        calendar=vendor,
        started_at=at(2026, 1, 5, 9),
        pauses=(Pause(at(2026, 1, 5, 9, 30), "a", at(2026, 1, 5, 10)), Pause(at(2026, 1, 6), "b")),
    )
    assert stored.started_at == datetime(2026, 1, 5, 14, tzinfo=UTC)
    assert stored.started_at.tzinfo is UTC
    assert [p.end for p in stored.pauses] == [datetime(2026, 1, 5, 15, tzinfo=UTC), None]


def test_transitions_in_the_wrong_state_or_order_are_refused(vendor: BusinessCalendar) -> None:
    idle = clock(vendor)
    transitions: list[Callable[[], SlaClock]] = [
        lambda: idle.pause(at(2026, 11, 30, 9), "x"),
        lambda: idle.resume(at(2026, 11, 30, 9)),
        lambda: idle.stop(at(2026, 11, 30, 9)),
    ]
    for transition in transitions:
        with pytest.raises(Conflict, match="has not started yet"):
            transition()
    running = idle.start(at(2026, 11, 30, 9))
    with pytest.raises(Conflict, match="already started"):
        running.start(at(2026, 11, 30, 10))
    with pytest.raises(Conflict, match="is not paused"):
        running.resume(at(2026, 11, 30, 10))
    with pytest.raises(InvalidInput, match="Say why the clock is paused"):
        running.pause(at(2026, 11, 30, 10), "  ")
    with pytest.raises(InvalidInput, match="before the clock's last event") as caught:
        running.pause(at(2026, 11, 30, 8), "awaiting customer")
    assert caught.value.field == "at"
    paused = running.pause(at(2026, 11, 30, 10), " awaiting customer ")
    assert paused.pauses[-1].reason == "awaiting customer"
    with pytest.raises(Conflict, match="already paused"):
        paused.pause(at(2026, 11, 30, 11), "again")
    stopped = paused.resume(at(2026, 11, 30, 11)).stop(at(2026, 11, 30, 12))
    with pytest.raises(Conflict, match="cannot change any more"):
        stopped.stop(at(2026, 11, 30, 13))
    with pytest.raises(InvalidInput, match="must be a timezone-aware datetime"):
        running.state(datetime(2026, 11, 30, 12))
    with pytest.raises(InvalidInput, match="must be a timezone-aware datetime"):
        idle.start(datetime(2026, 11, 30, 12))


# -- storage --------------------------------------------------------------------------------


def test_a_clock_round_trips_through_json(vendor: BusinessCalendar) -> None:
    original = (
        SlaClock.for_target(PREMIER[3], "resolution", vendor, at_risk_share=0.8)
        .start(at(2026, 11, 27, 18, 30))
        .pause(at(2026, 11, 30, 9), "awaiting customer")
        .resume(at(2026, 11, 30, 11, 10))
        .stop(at(2026, 12, 2, 17))
    )
    data = json.loads(json.dumps(original.to_dict()))
    assert data == {
        "version": 1,
        "kind": "resolution",
        "target_seconds": 86400,
        "business_hours": True,
        "at_risk_share": 0.8,
        "tz": "America/Toronto",
        "calendar": "Mon–Fri 08:00–20:00 America/Toronto",
        "started_at": "2026-11-27T23:30:00+00:00",
        "stopped_at": "2026-12-02T22:00:00+00:00",
        "pauses": [
            {
                "start": "2026-11-30T14:00:00+00:00",
                "end": "2026-11-30T16:10:00+00:00",
                "reason": "awaiting customer",
            }
        ],
    }
    again = SlaClock.from_dict(data, calendar=vendor)
    assert again == original
    assert again.due_at() == original.due_at()
    idle = SlaClock.from_dict(clock(vendor).to_dict(), calendar=vendor)
    assert idle == clock(vendor)
    paused = clock(vendor).start(at(2026, 11, 30, 8)).pause(at(2026, 11, 30, 9), "customer")
    assert SlaClock.from_dict(paused.to_dict(), calendar=vendor) == paused


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"version": 2}, "Not a stored SLA clock"),
        ({"pauses": [{"reason": "x", "end": None}]}, "pause start is missing"),
        ({"started_at": "yesterday"}, "started_at is not an ISO 8601 date-time"),
        ({"started_at": "2026-11-30T14:00:00"}, "started_at must be a timezone-aware"),
        ({"target_seconds": 1e30}, "target_seconds must be a number of seconds"),
        ({"kind": "other"}, "kind must be"),
        ({"at_risk_share": 1.5}, "at_risk_share must be in"),
    ],
)
def test_malformed_stored_clocks_are_refused(
    vendor: BusinessCalendar, change: dict[str, Any], message: str
) -> None:
    data = clock(vendor).start(at(2026, 11, 30, 8)).to_dict() | change
    with pytest.raises(InvalidInput, match=message):
        SlaClock.from_dict(data, calendar=vendor)


def test_a_clock_on_a_calendar_with_split_shifts_and_a_closure(vendor: BusinessCalendar) -> None:
    hours = {d: [(time(9), time(12)), (time(13), time(17))] for d in range(5)}
    calendar = BusinessCalendar("America/Toronto", hours, closures={date(2026, 12, 2): []})
    running = SlaClock(target=8 * H, calendar=calendar).start(at(2026, 12, 1, 11))
    assert running.due_at() == at(2026, 12, 3, 12)
    assert "skipped Wed 2 Dec (closure)" in running.explain()
