"""The pure judgement of a subscription change: entitlements and the term."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from importlib import resources
from typing import Any

from successdesk.domain.entitlements import Entitlements
from successdesk.domain.subscription_change import (
    Outcome,
    change_plan,
    renewal_date,
    term_decreases,
)

END = date(2026, 12, 31)


def grants(slug: str) -> Entitlements:
    data: Any = json.loads(
        resources.files("successdesk.data").joinpath("packages.json").read_text()
    )
    (package,) = [p for p in data["packages"] if p["slug"] == slug]
    entitlements = package["versions"][0]["entitlements"]
    return Entitlements.from_dict({**entitlements, "phone_hours_per_week": 60})


def test_a_term_that_ends_earlier_is_a_decrease_and_a_longer_one_is_not() -> None:
    (shorter,) = term_decreases(current_end=END, proposed_end=date(2026, 10, 31))
    assert (shorter.dimension, shorter.current, shorter.proposed) == (
        "term.ends_on",
        "2026-12-31",
        "2026-10-31",
    )
    assert term_decreases(current_end=END, proposed_end=date(2027, 3, 31)) == []


def test_a_shorter_term_is_refused_even_when_scheduling_is_asked() -> None:
    premier = grants("premier-success")
    plan = change_plan(
        current=premier,
        proposed=premier,
        current_end=END,
        proposed_end=date(2026, 6, 30),
        version_changes=False,
        schedule_if_decrease=True,
    )
    assert plan.outcome is Outcome.REFUSE
    assert [d.dimension for d in plan.decreases] == ["term.ends_on"]


def test_a_downgrade_is_refused_or_scheduled_and_each_row_says_which_way_it_moves() -> None:
    premier, standard = grants("premier-success"), grants("standard")
    common: dict[str, Any] = {
        "current": premier,
        "proposed": standard,
        "current_end": END,
        "proposed_end": END,
        "version_changes": True,
        "currency": "CAD",
    }
    assert change_plan(**common).outcome is Outcome.REFUSE
    plan = change_plan(**common, schedule_if_decrease=True)
    assert plan.outcome is Outcome.SCHEDULE
    rows = {r.dimension: r for r in plan.rows}
    assert rows["channels"].direction == "same"
    assert rows["routing_priority"].direction == "decrease"
    assert (rows["extra_contact_fee"].before, rows["extra_contact_fee"].direction) == (
        "500.00 CAD",
        "same",
    )
    assert rows["sla_targets.1.first_response"].before == "1h"
    assert rows["term.ends_on"].direction == "same"


def test_an_upgrade_applies_now_and_nothing_at_all_is_unchanged() -> None:
    premier, plus = grants("premier-success"), grants("premier-success-plus")
    up = change_plan(
        current=premier, proposed=plus, current_end=END, proposed_end=END, version_changes=True
    )
    assert up.outcome is Outcome.APPLY_NOW and not up.decreases
    assert rows_moving(up) >= {"routing_priority", "extra_contact_fee"}
    same = change_plan(
        current=premier, proposed=premier, current_end=END, proposed_end=END, version_changes=False
    )
    assert same.outcome is Outcome.UNCHANGED and not same.changed_rows


def rows_moving(plan: Any) -> set[str]:
    return {r.dimension for r in plan.increases}


def test_a_smaller_shared_pool_and_a_removed_channel_mark_their_rows_as_decreases() -> None:
    premier = grants("premier-success")
    pooled = replace(premier, pooled_quota=True)
    smaller = replace(
        pooled,
        admin_tasks_per_month=2,
        advisory_reviews_per_month=2,
        channels=premier.channels - {"phone"},
    )
    plan = change_plan(
        current=pooled, proposed=smaller, current_end=END, proposed_end=END, version_changes=True
    )
    assert plan.outcome is Outcome.REFUSE
    moving = {r.dimension: r.direction for r in plan.rows if r.direction != "same"}
    assert moving == {
        "channels": "decrease",
        "admin_tasks_per_month": "decrease",
        "advisory_reviews_per_month": "decrease",
        "pooled_quota": "decrease",
    }


def test_a_decrease_within_the_materiality_tolerance_is_shown_but_does_not_refuse() -> None:
    premier = grants("premier-success")
    fewer_hours = replace(premier, phone_hours_per_week=premier.phone_hours_per_week - 3)
    plan = change_plan(
        current=premier,
        proposed=fewer_hours,
        current_end=END,
        proposed_end=END,
        version_changes=True,
        materiality={"phone_hours_per_week": 0.1},
    )
    assert plan.outcome is Outcome.APPLY_NOW
    rows = {r.dimension: r.direction for r in plan.rows}
    assert rows["phone_hours_per_week"] == "immaterial decrease"


def test_a_change_scheduled_for_renewal_takes_effect_the_day_after_the_term_ends() -> None:
    assert renewal_date(END) == date(2027, 1, 1)
    assert renewal_date(date(2028, 2, 28)) == date(2028, 2, 29)
