"""Routing rules (case facts → support team), queue order and agent assignment."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol, overload

from successdesk.domain.errors import InvalidInput

SEVERITIES = frozenset({1, 2, 3, 4})


def _check_severity(value: int, name: str) -> None:
    if value not in SEVERITIES:
        raise InvalidInput(
            f"{name} must be a severity from 1 (most urgent) to 4; got {value!r}. Pass one.",
            field=name,
        )


def _check_aware(value: datetime, name: str) -> None:
    if value.utcoffset() is None:
        raise InvalidInput(
            f"{name} must be an aware datetime (with a time zone); got {value!r}. "
            "Pass the instant with its time zone, e.g. in UTC.",
            field=name,
        )


@dataclass(frozen=True, kw_only=True)
class CaseFacts:
    """What routing may look at. A fact left as None matches only rules that ignore it."""

    category: str | None = None
    product_area: str | None = None
    severity: int | None = None
    channel: str | None = None
    customer: str | None = None
    package: str | None = None

    def __post_init__(self) -> None:
        if self.severity is not None:
            _check_severity(self.severity, "severity")


_FACT_OF = {  # rule condition -> the case fact it reads
    "categories": "category",
    "product_areas": "product_area",
    "severities": "severity",
    "channels": "channel",
    "customers": "customer",
    "packages": "package",
}
_CONDITIONS = tuple(_FACT_OF)


@dataclass(frozen=True, kw_only=True)
class RoutingRule:
    """Send matching cases to ``team``. Each condition is a set of accepted values; None
    accepts anything. Rules are tried by ``order``, lowest first."""

    order: int
    team: str
    categories: frozenset[str] | None = None
    product_areas: frozenset[str] | None = None
    severities: frozenset[int] | None = None
    channels: frozenset[str] | None = None
    customers: frozenset[str] | None = None
    packages: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if not self.team.strip():
            raise InvalidInput(
                "team must be the slug of a support team. Name the team this rule routes to.",
                field="team",
            )
        for name in _CONDITIONS:
            values = getattr(self, name)
            if values is None:
                continue
            values = frozenset(values)  # a set (the rule's model builds them from its lists)
            if not values:
                raise InvalidInput(
                    f"{name} is an empty set, so the rule could never match. "
                    "Use None to accept any value, or list the values to accept.",
                    field=name,
                )
            if name == "severities":
                for severity in values:
                    _check_severity(severity, name)
            object.__setattr__(self, name, values)

    def matches(self, facts: CaseFacts) -> bool:
        """Whether every condition set on this rule accepts the case's fact."""
        for name in _CONDITIONS:
            accepted = getattr(self, name)
            if accepted is not None and getattr(facts, _FACT_OF[name]) not in accepted:
                return False
        return True


def matching_rule(facts: CaseFacts, rules: Iterable[RoutingRule]) -> RoutingRule | None:
    """The first rule by ``order`` that matches (equal orders keep their given order)."""
    for rule in sorted(rules, key=lambda r: r.order):
        if rule.matches(facts):
            return rule
    return None


def route(facts: CaseFacts, rules: Iterable[RoutingRule]) -> str | None:
    """The team of the first matching rule, or None when no rule matches (triage decides)."""
    rule = matching_rule(facts, rules)
    return rule.team if rule is not None else None


# --- Queue order -------------------------------------------------------------------------

QueueKey = tuple[int, int, bool, datetime, datetime, tuple[bool, int | str]]
_NO_DUE = datetime.min.replace(tzinfo=UTC)


def queue_key(
    *,
    routing_priority: int,
    severity: int,
    due_at: datetime | None,
    created_at: datetime,
    tie: int | str,
) -> QueueKey:
    """Sort key: routing priority (higher first), severity (1 first), SLA due time (earliest
    first, none last), created_at, then ``tie`` (ints before strings). Instants compare in UTC.
    """
    _check_severity(severity, "severity")
    _check_aware(created_at, "created_at")
    if due_at is not None:
        _check_aware(due_at, "due_at")
    due = _NO_DUE if due_at is None else due_at.astimezone(UTC)
    tie_key = (isinstance(tie, str), tie)
    return (-routing_priority, severity, due_at is None, due, created_at.astimezone(UTC), tie_key)


class Queueable(Protocol):
    """Anything with the attributes ``queue_key`` needs."""

    @property
    def routing_priority(self) -> int: ...
    @property
    def severity(self) -> int: ...
    @property
    def due_at(self) -> datetime | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def tie(self) -> int | str: ...


@dataclass(frozen=True, kw_only=True)
class QueueItem:
    """A queue entry; ``tie`` is usually the case id or number."""

    routing_priority: int
    severity: int
    due_at: datetime | None
    created_at: datetime
    tie: int | str


def key_of(item: Queueable) -> QueueKey:
    """``queue_key`` of an item read from its attributes."""
    return queue_key(
        routing_priority=item.routing_priority,
        severity=item.severity,
        due_at=item.due_at,
        created_at=item.created_at,
        tie=item.tie,
    )


@overload
def sort_queue[Q: Queueable](items: Iterable[Q]) -> list[Q]: ...
@overload
def sort_queue[T](items: Iterable[T], *, key: Callable[[T], QueueKey]) -> list[T]: ...
def sort_queue[T](items: Iterable[T], *, key: Callable[[T], QueueKey] | None = None) -> list[T]:
    """Items in queue order (stable). Without ``key``, items must be ``Queueable``."""
    return sorted(items, key=key or key_of)  # type: ignore[arg-type]


# --- Assignment --------------------------------------------------------------------------

AgentId = int | str


@dataclass(frozen=True, kw_only=True)
class Agent:
    """A support agent who may take cases; ``open_cases`` is the current load."""

    id: AgentId
    available: bool = True
    open_cases: int = 0

    def __post_init__(self) -> None:
        count = self.open_cases
        if count < 0:
            raise InvalidInput(
                f"open_cases must be a whole number ≥ 0; got {count!r}. Count the agent's "
                "open cases.",
                field="open_cases",
            )


class AssignmentStrategy(StrEnum):
    ROUND_ROBIN = "round_robin"
    LEAST_LOADED = "least_loaded"


def _id_key(agent_id: AgentId) -> tuple[bool, int | str]:
    return (isinstance(agent_id, str), agent_id)


def _available(agents: Iterable[Agent]) -> list[Agent]:
    pool = list(agents)
    seen = [a.id for a in pool]
    if len(set(seen)) != len(seen):
        raise InvalidInput("The same agent is listed twice. Pass each agent once.", field="agents")
    return sorted((a for a in pool if a.available), key=lambda a: _id_key(a.id))


def choose_round_robin(agents: Iterable[Agent], last_assigned_id: AgentId | None) -> AgentId | None:
    """The next available agent after ``last_assigned_id`` in id order, wrapping around.

    The last agent need not be in ``agents`` (it may have left): the next id after it wins.
    """
    ready = _available(agents)
    if not ready:
        return None
    if last_assigned_id is not None:
        last = _id_key(last_assigned_id)
        for agent in ready:
            if _id_key(agent.id) > last:
                return agent.id
    return ready[0].id


def choose_least_loaded(agents: Iterable[Agent]) -> AgentId | None:
    """The available agent with the fewest open cases; ties go to the lowest id."""
    ready = _available(agents)
    if not ready:
        return None
    return min(ready, key=lambda a: (a.open_cases, _id_key(a.id))).id


def choose_assignee(
    strategy: AssignmentStrategy | str,
    agents: Iterable[Agent],
    last_assigned_id: AgentId | None = None,
) -> AgentId | None:
    """The agent to assign under ``strategy``, or None when nobody is available."""
    try:
        chosen = AssignmentStrategy(strategy)
    except ValueError:
        raise InvalidInput(
            f"{strategy!r} is not an assignment strategy. Use one of: "
            f"{', '.join(AssignmentStrategy)}.",
            field="strategy",
        ) from None
    if chosen is AssignmentStrategy.ROUND_ROBIN:
        return choose_round_robin(agents, last_assigned_id)
    return choose_least_loaded(agents)
