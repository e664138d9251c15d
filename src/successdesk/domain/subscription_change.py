"""A change to a running subscription (another package version, another term end), judged
by the "no material decrease" rule. Pure: the entitlements and dates are passed in.

The terms: the vendor "may modify the Premier Success Package and Premier Success Plus
Package from time to time, provided the level of service under either Package will not
materially decrease during a subscription term." A change is therefore judged on what it
does to the customer: every entitlement (``entitlements.compare``) and the term itself — a
term that would end earlier is a decrease like any other.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from successdesk.domain.entitlements import (
    _CHANNEL_LABELS,
    SEVERITIES,
    Decrease,
    Entitlements,
    _hours,
    compare,
)
from successdesk.domain.money import format_money

TERM_DIMENSION = "term.ends_on"


class Outcome(StrEnum):
    """What a change does: applies now, waits for the renewal date, or is refused."""

    UNCHANGED = "unchanged"
    APPLY_NOW = "accepted"
    SCHEDULE = "scheduled"
    REFUSE = "refused"


def renewal_date(ends_on: date) -> date:
    """The day a term that ends on ``ends_on`` renews: a change scheduled for renewal takes
    effect then (the day after the term ends)."""
    return ends_on + timedelta(days=1)


def term_decreases(*, current_end: date, proposed_end: date) -> list[Decrease]:
    """A term that would end earlier serves the customer less: a decrease."""
    if proposed_end >= current_end:
        return []
    was, now = current_end.isoformat(), proposed_end.isoformat()
    return [Decrease(TERM_DIMENSION, was, now, f"The term would end on {now} instead of {was}")]


@dataclass(frozen=True)
class Row:
    """One line of a preview: a dimension before and after, and which way it moves."""

    dimension: str
    label: str
    before: str
    after: str
    direction: str  # "same", "increase", "decrease", "immaterial decrease"


@dataclass(frozen=True)
class ChangePlan:
    """What a proposed change does to the customer, and what happens to it."""

    rows: tuple[Row, ...]
    decreases: tuple[Decrease, ...]
    outcome: Outcome
    version_changes: bool
    term_changes: bool

    @property
    def changed_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.direction != "same")

    @property
    def increases(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.direction == "increase")


def _yes(value: bool) -> str:
    return "included" if value else "not included"


def _sla(e: Entitlements, severity: int, clock: str) -> str:
    target = e.sla_targets[severity]
    return _hours(getattr(target, clock))


def _flat(e: Entitlements, currency: str) -> Iterator[tuple[str, str, str]]:
    """(dimension, label, shown value) for every dimension of a version."""
    channels = sorted(_CHANNEL_LABELS[c] for c in e.channels)
    yield "channels", "Channels", ", ".join(channels) or "none"
    yield "phone_hours_per_week", "Telephone hours per week", f"{e.phone_hours_per_week:g} h"
    yield "routing_priority", "Routing priority", str(e.routing_priority)
    yield "priority_routing", "Priority routing", _yes(e.priority_routing)
    for s in SEVERITIES:
        yield (
            f"sla_targets.{s}.first_response",
            f"Severity {s} first response",
            _sla(e, s, "first_response"),
        )
        yield f"sla_targets.{s}.resolution", f"Severity {s} resolution", _sla(e, s, "resolution")
        counted = "business hours" if e.sla_targets[s].business_hours else "24x7"
        yield f"sla_targets.{s}.business_hours", f"Severity {s} targets counted", counted
    included = str(e.designated_contacts_included)
    yield "designated_contacts_included", "Designated contacts included", included
    fee = format_money(e.extra_contact_fee, currency)
    yield "extra_contact_fee", "Fee per extra designated contact", fee
    yield "admin_tasks_per_month", "Admin tasks per month", str(e.admin_tasks_per_month)
    advisory = str(e.advisory_reviews_per_month)
    yield "advisory_reviews_per_month", "Advisory reviews per month", advisory
    yield (
        "pooled_quota",
        "Admin tasks and reviews share one pool",
        "yes" if e.pooled_quota else "no",
    )
    yield "content_library", "Campaign content library", _yes(e.content_library)
    yield "advisory_services", "Advisory services", _yes(e.advisory_services)
    yield "remote_access_support", "Remote-access support", _yes(e.remote_access_support)


# A decrease's dimension → the preview rows it marks (pooled quotas touch three rows).
_QUOTA_ROWS = ("admin_tasks_per_month", "advisory_reviews_per_month", "pooled_quota")


def _marked(decreases: tuple[Decrease, ...]) -> set[str]:
    marked: set[str] = set()
    for d in decreases:
        if d.dimension == "service_requests_per_month":
            marked.update(_QUOTA_ROWS)
        elif d.dimension.startswith("channels."):
            marked.add("channels")
        else:
            marked.add(d.dimension)
    return marked


def change_plan(
    *,
    current: Entitlements,
    proposed: Entitlements,
    current_end: date,
    proposed_end: date,
    version_changes: bool,
    schedule_if_decrease: bool = False,
    materiality: Mapping[str, float] | None = None,
    currency: str = "",
) -> ChangePlan:
    """Judge a change: every entitlement before → after, the decreases, and its outcome.

    No decrease: applies now. A decrease in the entitlements: refused, or, when asked,
    scheduled for the renewal date (the day after the term ends). A shortened term cannot
    be scheduled — the term ends when it ends; the next term's length is set at renewal —
    so it is always refused mid-term.
    """
    term = term_decreases(current_end=current_end, proposed_end=proposed_end)
    decreases = tuple(compare(current, proposed, materiality=materiality) + term)
    marked = _marked(decreases)
    tolerated = _marked(tuple(compare(current, proposed))) - marked
    rows = []
    for (dim, label, before), (_, _, after) in zip(
        _flat(current, currency), _flat(proposed, currency), strict=True
    ):
        if dim in marked:
            direction = "decrease"
        elif dim in tolerated:
            direction = "immaterial decrease"
        elif before != after:
            direction = "increase"
        else:
            direction = "same"
        rows.append(Row(dim, label, before, after, direction))
    was, now = current_end.isoformat(), proposed_end.isoformat()
    term_direction = (
        "decrease" if proposed_end < current_end else "increase" if now != was else "same"
    )
    rows.append(Row(TERM_DIMENSION, "Term ends on", was, now, term_direction))
    term_changes = proposed_end != current_end
    if not decreases:
        outcome = Outcome.APPLY_NOW if version_changes or term_changes else Outcome.UNCHANGED
    elif schedule_if_decrease and not any(d.dimension == TERM_DIMENSION for d in decreases):
        outcome = Outcome.SCHEDULE
    else:
        outcome = Outcome.REFUSE
    return ChangePlan(tuple(rows), decreases, outcome, version_changes, term_changes)
