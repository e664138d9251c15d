"""Routing rules, queue order and agent assignment."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from successdesk.domain.errors import InvalidInput
from successdesk.domain.routing import (
    Agent,
    AssignmentStrategy,
    CaseFacts,
    QueueItem,
    RoutingRule,
    choose_assignee,
    choose_least_loaded,
    choose_round_robin,
    key_of,
    matching_rule,
    queue_key,
    route,
    sort_queue,
)

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

FACTS = CaseFacts(
    category="admin_task",
    product_area="referrals",
    severity=2,
    channel="web",
    customer="acme",
    package="premier-plus",
)

# condition on the rule -> (the fact it reads, a value that matches FACTS, one that does not)
CONDITIONS = {
    "categories": ("category", "admin_task", "bug"),
    "product_areas": ("product_area", "referrals", "hub"),
    "severities": ("severity", 2, 1),
    "channels": ("channel", "web", "phone"),
    "customers": ("customer", "acme", "globex"),
    "packages": ("package", "premier-plus", "standard"),
}


# --- Routing rules --------------------------------------------------------------------------


def test_a_rule_without_conditions_matches_any_case() -> None:
    rule = RoutingRule(order=100, team="general")
    assert rule.matches(FACTS)
    assert rule.matches(CaseFacts())


@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_each_condition_accepts_listed_values_and_rejects_others(condition: str) -> None:
    fact, good, bad = CONDITIONS[condition]

    def rule(*accepted: object) -> RoutingRule:
        conditions: dict[str, Any] = {condition: frozenset(accepted)}
        return RoutingRule(order=1, team="t", **conditions)

    assert rule(good, bad).matches(FACTS)
    assert not rule(bad).matches(FACTS)
    assert not rule(good).matches(replace(FACTS, **{fact: None}))


def test_every_condition_on_a_rule_must_match() -> None:
    rule = RoutingRule(
        order=1,
        team="campaigns",
        categories=frozenset({"admin_task"}),
        channels=frozenset({"phone"}),
    )
    assert not rule.matches(FACTS)
    assert rule.matches(replace(FACTS, channel="phone"))


def test_the_first_matching_rule_by_order_wins_whatever_the_given_order() -> None:
    rules = [
        RoutingRule(order=30, team="general"),
        RoutingRule(order=20, team="referrals", product_areas=frozenset({"referrals"})),
        RoutingRule(order=10, team="sev1", severities=frozenset({1})),
    ]
    assert route(FACTS, rules) == "referrals"
    assert route(replace(FACTS, severity=1), rules) == "sev1"
    assert route(replace(FACTS, product_area="hub"), rules) == "general"


def test_rules_with_the_same_order_keep_the_order_they_were_given_in() -> None:
    first = RoutingRule(order=5, team="first")
    second = RoutingRule(order=5, team="second")
    assert route(FACTS, [first, second]) == "first"
    assert route(FACTS, [second, first]) == "second"
    assert matching_rule(FACTS, iter([second, first])) is second


def test_no_matching_rule_leaves_the_case_for_triage() -> None:
    rules = [RoutingRule(order=1, team="plus", packages=frozenset({"premier-plus"}))]
    assert route(replace(FACTS, package="standard"), rules) is None
    assert route(FACTS, []) is None


def test_condition_sets_may_be_given_as_any_iterable_and_become_frozensets() -> None:
    rule = RoutingRule(order=1, team="t", severities=[1, 2], channels=("web",))  # type: ignore[arg-type]
    assert rule.severities == frozenset({1, 2})
    assert rule.channels == frozenset({"web"})


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"categories": frozenset()}, "categories"),
        ({"severities": frozenset({0})}, "severities"),
        ({"team": "  "}, "team"),
    ],
)
def test_a_rule_that_could_never_work_is_refused(kwargs: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {"order": 1, "team": "t", **kwargs}
    with pytest.raises(InvalidInput) as caught:
        RoutingRule(**values)
    assert caught.value.field == field


@pytest.mark.parametrize("severity", [0, 5])
def test_case_facts_refuse_a_severity_outside_1_to_4(severity: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        CaseFacts(severity=severity)
    assert caught.value.field == "severity"


# --- Queue order ----------------------------------------------------------------------------


def item(
    tie: int | str = 0,
    *,
    priority: int = 0,
    severity: int = 3,
    due: datetime | None = None,
    created: datetime = T0,
) -> QueueItem:
    return QueueItem(
        routing_priority=priority, severity=severity, due_at=due, created_at=created, tie=tie
    )


def ties(items: list[QueueItem]) -> list[int | str]:
    return [i.tie for i in sort_queue(items)]


def test_higher_routing_priority_is_served_first() -> None:
    assert ties([item(1, priority=0), item(2, priority=20), item(3, priority=10)]) == [2, 3, 1]


def test_at_equal_priority_severity_1_comes_first() -> None:
    assert ties([item(1, severity=4), item(2, severity=1), item(3, severity=2)]) == [2, 3, 1]


def test_priority_outranks_severity() -> None:
    assert ties([item(1, priority=0, severity=1), item(2, priority=10, severity=4)]) == [2, 1]


def test_then_the_earliest_sla_due_time_comes_first_and_no_due_time_comes_last() -> None:
    items = [item(1), item(2, due=T0 + timedelta(hours=2)), item(3, due=T0 + timedelta(hours=1))]
    assert ties(items) == [3, 2, 1]


def test_then_the_oldest_case_comes_first_then_the_tie_breaker() -> None:
    later = T0 + timedelta(minutes=1)
    assert ties([item(1, created=later), item(3), item(2)]) == [2, 3, 1]
    assert ties([item("b"), item(7), item("a")]) == [7, "a", "b"]


def test_instants_in_different_time_zones_compare_as_instants() -> None:
    toronto = ZoneInfo("America/Toronto")
    early = (T0 + timedelta(hours=1)).astimezone(toronto)  # 06:00 local, earlier in UTC
    late = T0 + timedelta(hours=2)
    assert ties([item(1, due=late), item(2, due=early)]) == [2, 1]
    assert key_of(item(due=early)) == key_of(item(due=early.astimezone(UTC)))


def test_any_object_can_be_sorted_with_an_explicit_key() -> None:
    rows = [
        {"id": 1, "prio": 0, "sev": 1, "created": T0},
        {"id": 2, "prio": 10, "sev": 3, "created": T0},
    ]

    def key(row: dict[str, Any]) -> Any:
        return queue_key(
            routing_priority=row["prio"],
            severity=row["sev"],
            due_at=None,
            created_at=row["created"],
            tie=row["id"],
        )

    assert [r["id"] for r in sort_queue(rows, key=key)] == [2, 1]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"severity": 5}, "severity"),
        ({"created_at": datetime(2026, 3, 10)}, "created_at"),
        ({"due_at": datetime(2026, 3, 10)}, "due_at"),
    ],
)
def test_a_queue_key_refuses_bad_values(kwargs: dict[str, Any], field: str) -> None:
    values: dict[str, Any] = {
        "routing_priority": 0,
        "severity": 1,
        "due_at": None,
        "created_at": T0,
        "tie": 1,
        **kwargs,
    }
    with pytest.raises(InvalidInput) as caught:
        queue_key(**values)
    assert caught.value.field == field


_INSTANTS = st.one_of(st.none(), st.integers(0, 5).map(lambda h: T0 + timedelta(hours=h)))
_ITEMS = st.builds(
    QueueItem,
    routing_priority=st.sampled_from([0, 10, 20]),
    severity=st.integers(1, 4),
    due_at=_INSTANTS,
    created_at=st.integers(0, 5).map(lambda m: T0 + timedelta(minutes=m)),
    tie=st.one_of(st.integers(0, 3), st.sampled_from(["a", "b"])),
)


@given(st.lists(_ITEMS, max_size=30), st.integers(1, 4))
def test_at_equal_severity_priority_20_precedes_10_precedes_0(
    items: list[QueueItem], severity: int
) -> None:
    same = [replace(i, severity=severity) for i in items]
    ordered = [i.routing_priority for i in sort_queue(same)]
    assert ordered == sorted(ordered, reverse=True)


@given(_ITEMS, _ITEMS, _ITEMS)
def test_queue_keys_form_a_total_order(a: QueueItem, b: QueueItem, c: QueueItem) -> None:
    ka, kb, kc = key_of(a), key_of(b), key_of(c)
    assert (ka < kb) + (ka == kb) + (ka > kb) == 1
    assert (ka == kb) == (a == b)  # every field takes part in the key
    if ka <= kb and kb <= kc:
        assert ka <= kc


@given(st.lists(_ITEMS, max_size=30), st.randoms(use_true_random=False))
def test_sorting_is_stable_and_does_not_depend_on_the_input_order(
    items: list[QueueItem], random: Any
) -> None:
    tagged = list(enumerate(items))
    shuffled = tagged[:]
    random.shuffle(shuffled)
    result = sort_queue(shuffled, key=lambda pair: key_of(pair[1]))
    assert [i for _, i in result] == [i for _, i in sort_queue(tagged, key=lambda p: key_of(p[1]))]
    for (pos_a, a), (pos_b, b) in pairwise(result):
        assert key_of(a) <= key_of(b)
        if a == b:  # equal keys keep their relative input order
            assert shuffled.index((pos_a, a)) < shuffled.index((pos_b, b))


# --- Assignment -----------------------------------------------------------------------------

TEAM = [
    Agent(id=3, open_cases=1),
    Agent(id=1, open_cases=4),
    Agent(id=2, available=False, open_cases=0),
    Agent(id=4, open_cases=1),
]


def test_round_robin_starts_with_the_lowest_id_when_nobody_was_assigned_yet() -> None:
    assert choose_round_robin(TEAM, None) == 1


def test_round_robin_takes_the_next_id_after_the_last_one() -> None:
    assert choose_round_robin(TEAM, 3) == 4


def test_round_robin_skips_unavailable_agents() -> None:
    assert choose_round_robin(TEAM, 1) == 3


def test_round_robin_wraps_around_after_the_highest_id() -> None:
    assert choose_round_robin(TEAM, 4) == 1


def test_round_robin_continues_after_an_agent_who_has_left() -> None:
    assert choose_round_robin(TEAM, 2) == 3  # 2 is unavailable
    assert choose_round_robin(TEAM, 99) == 1


def test_round_robin_with_a_single_available_agent_always_picks_them() -> None:
    assert choose_round_robin([Agent(id=7), Agent(id=8, available=False)], 7) == 7


def test_round_robin_orders_string_ids_too() -> None:
    agents = [Agent(id="carol"), Agent(id="alice"), Agent(id="bob")]
    assert choose_round_robin(agents, "alice") == "bob"
    assert choose_round_robin(agents, "carol") == "alice"


def test_least_loaded_picks_the_fewest_open_cases_among_available_agents() -> None:
    agents = [Agent(id=1, open_cases=4), Agent(id=2, open_cases=2), Agent(id=3, open_cases=3)]
    assert choose_least_loaded(agents) == 2
    assert choose_least_loaded(TEAM) == 3  # 2 has no cases but is unavailable


def test_least_loaded_ties_go_to_the_lowest_id() -> None:
    assert choose_least_loaded([Agent(id=9, open_cases=1), Agent(id=5, open_cases=1)]) == 5


@pytest.mark.parametrize("strategy", list(AssignmentStrategy))
def test_nobody_available_means_nobody_is_assigned(strategy: AssignmentStrategy) -> None:
    away = [Agent(id=1, available=False), Agent(id=2, available=False)]
    assert choose_assignee(strategy, away, 1) is None
    assert choose_assignee(strategy, []) is None


def test_choose_assignee_dispatches_on_the_strategy_given_as_enum_or_string() -> None:
    assert choose_assignee(AssignmentStrategy.ROUND_ROBIN, TEAM, 3) == 4
    assert choose_assignee("least_loaded", TEAM, 3) == 3


def test_an_unknown_strategy_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        choose_assignee("random", TEAM)
    assert caught.value.field == "strategy"
    assert "round_robin" in caught.value.message


def test_the_same_agent_listed_twice_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        choose_least_loaded([Agent(id=1), Agent(id=1, available=False)])
    assert caught.value.field == "agents"


@pytest.mark.parametrize("open_cases", [-1])
def test_an_agent_with_an_impossible_case_count_is_refused(open_cases: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        Agent(id=1, open_cases=open_cases)
    assert caught.value.field == "open_cases"
