"""Service requests: their kinds, the flow each one follows and the structured
recommendations an advisory review delivers. Pure: no clock, no settings, no database.

Kinds come from the terms: seven admin tasks ("AdvocateHub Admin Tasks") and the advisory
review of a campaign or an event ("Campaign and Event Advisory Services"). Both count
against the customer's monthly fair-usage limit (see ``fair_usage.py``).

The flow::

    submitted → accepted → in_progress → delivered
        ↘          ↘            ↘
                declined (with a reason; the request's slot is given back)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from successdesk.domain.errors import Conflict, InvalidInput
from successdesk.domain.labels import code_label


class ServiceKind(StrEnum):
    CSV_IMPORT = "csv_import"
    MASS_DATA_UPDATE = "mass_data_update"
    MASS_TARGETING = "mass_targeting"
    HUB_REPLICATION = "hub_replication"
    CUSTOM_REPORT = "custom_report"
    MATCH_CRITERIA_FIELDS = "match_criteria_fields"
    REFERRAL_CAMPAIGN_FLOW = "referral_campaign_flow"
    CAMPAIGN_REVIEW = "campaign_review"
    EVENT_REVIEW = "event_review"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def quota_kind(self) -> str:
        """The fair-usage kind it counts as: ``admin_task`` or ``advisory_review``."""
        return ADVISORY_REVIEW if self in ADVISORY_KINDS else ADMIN_TASK

    @property
    def is_advisory(self) -> bool:
        return self in ADVISORY_KINDS


ADMIN_TASK = "admin_task"
ADVISORY_REVIEW = "advisory_review"
ADVISORY_KINDS = frozenset({ServiceKind.CAMPAIGN_REVIEW, ServiceKind.EVENT_REVIEW})
KIND_LABELS: Mapping[ServiceKind, str] = {
    ServiceKind.CSV_IMPORT: "CSV import",
    ServiceKind.MASS_DATA_UPDATE: "Mass data update",
    ServiceKind.MASS_TARGETING: "Mass targeting",
    ServiceKind.HUB_REPLICATION: "Hub replication",
    ServiceKind.CUSTOM_REPORT: "Custom report building",
    ServiceKind.MATCH_CRITERIA_FIELDS: "Match criteria fields",
    ServiceKind.REFERRAL_CAMPAIGN_FLOW: "Referral campaign flow",
    ServiceKind.CAMPAIGN_REVIEW: "Advisory review of a campaign",
    ServiceKind.EVENT_REVIEW: "Advisory review of an event",
}


class RequestStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return code_label(self.value)


FINAL = frozenset({RequestStatus.DELIVERED, RequestStatus.DECLINED})
_NEXT: Mapping[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.SUBMITTED: frozenset({RequestStatus.ACCEPTED, RequestStatus.DECLINED}),
    RequestStatus.ACCEPTED: frozenset({RequestStatus.IN_PROGRESS, RequestStatus.DECLINED}),
    RequestStatus.IN_PROGRESS: frozenset({RequestStatus.DELIVERED, RequestStatus.DECLINED}),
    RequestStatus.DELIVERED: frozenset(),
    RequestStatus.DECLINED: frozenset(),
}
MAX_REASON = 2_000
MAX_RECOMMENDATIONS = 30
PRIORITIES = ("high", "medium", "low")


class FlowRefused(Conflict):
    code = "service_request_transition_refused"
    title = "This step is not possible now"


def parse_kind(value: object) -> ServiceKind:
    try:
        return ServiceKind(str(value))
    except ValueError:
        raise InvalidInput(
            f"{value!r} is not a kind of service request. Choose one of: "
            f"{', '.join(k.value for k in ServiceKind)}.",
            field="kind",
        ) from None


def parse_status(value: object) -> RequestStatus:
    try:
        return RequestStatus(str(value))
    except ValueError:
        raise InvalidInput(
            f"{value!r} is not a status. Use one of: {', '.join(s.value for s in RequestStatus)}.",
            field="status",
        ) from None


def allowed_next(status: RequestStatus | str) -> frozenset[RequestStatus]:
    return _NEXT[parse_status(status)]


@dataclass(frozen=True, kw_only=True)
class Recommendation:
    """One finding of an advisory review and what to do about it."""

    area: str
    finding: str
    suggestion: str
    priority: str = "medium"

    def as_dict(self) -> dict[str, str]:
        return {
            "area": self.area,
            "finding": self.finding,
            "suggestion": self.suggestion,
            "priority": self.priority,
        }


def parse_recommendations(raw: Sequence[Mapping[str, Any]]) -> tuple[Recommendation, ...]:
    """Check structured recommendations: each has an area, a finding and a suggestion
    (at most 2,000 characters each) and a priority (high, medium or low). Their shape (a
    list of objects) is the form's to check."""
    if len(raw) > MAX_RECOMMENDATIONS:
        raise InvalidInput(
            f"Give at most {MAX_RECOMMENDATIONS} recommendations; merge the smaller ones.",
            field="recommendations",
        )
    found = []
    for n, item in enumerate(raw):
        where = f"recommendations[{n}]"
        values: dict[str, str] = {}
        for name in ("area", "finding", "suggestion"):
            text = str(item.get(name) or "").strip()
            if not text:
                raise InvalidInput(
                    f"{where}.{name} is empty: each recommendation says which area, what was "
                    "found and what to do.",
                    field=f"{where}.{name}",
                )
            if len(text) > MAX_REASON:
                raise InvalidInput(
                    f"{where}.{name} is longer than {MAX_REASON} characters.",
                    field=f"{where}.{name}",
                )
            values[name] = text
        priority = str(item.get("priority") or "medium").strip().lower()
        if priority not in PRIORITIES:
            raise InvalidInput(
                f"{where}.priority must be one of {', '.join(PRIORITIES)}.",
                field=f"{where}.priority",
            )
        found.append(Recommendation(priority=priority, **values))
    return tuple(found)


@dataclass(frozen=True, kw_only=True)
class Step:
    """An allowed move; ``releases_slot`` says the request's fair-usage slot is given back."""

    from_status: RequestStatus
    to_status: RequestStatus
    releases_slot: bool = False
    reason: str = ""
    recommendations: tuple[Recommendation, ...] = ()


def step(
    current: RequestStatus | str,
    to: RequestStatus | str,
    *,
    kind: ServiceKind | str,
    assigned: bool,
    reason: str = "",
    recommendations: Sequence[Mapping[str, Any]] = (),
) -> Step:
    """Check one move of the flow and return it.

    - Declining needs a reason (the customer reads it) and gives the slot back.
    - An advisory review starts only once it is assigned to a specialist, and is delivered
      with at least one structured recommendation.
    - An admin task is delivered with a note saying what was done (``reason``).
    """
    src, dst, kind = parse_status(current), parse_status(to), parse_kind(kind)
    if dst not in _NEXT[src]:
        allowed = ", ".join(sorted(s.value for s in _NEXT[src])) or "nothing (it is final)"
        raise FlowRefused(
            f"A {src.label.lower()} request cannot become {dst.label.lower()}. "
            f"From {src.value} it can go to: {allowed}.",
            field="status",
            allowed=sorted(s.value for s in _NEXT[src]),
        )
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"The text is longer than {MAX_REASON} characters.", field="reason")
    if dst is RequestStatus.DECLINED and not reason:
        raise InvalidInput(
            "Say why the request is declined, and what the customer can do instead.",
            field="reason",
        )
    if dst is RequestStatus.IN_PROGRESS and kind.is_advisory and not assigned:
        raise FlowRefused(
            "Assign the advisory review to a campaign or event specialist before starting it.",
            field="assignee",
        )
    parsed: tuple[Recommendation, ...] = ()
    if dst is RequestStatus.DELIVERED:
        if kind.is_advisory:
            parsed = parse_recommendations(recommendations)
            if not parsed:
                raise InvalidInput(
                    "An advisory review is delivered with at least one recommendation "
                    "(area, finding, suggestion, priority).",
                    field="recommendations",
                )
        elif not reason:
            raise InvalidInput(
                "Say what was done (for example the number of records imported).",
                field="reason",
            )
    return Step(
        from_status=src,
        to_status=dst,
        releases_slot=dst is RequestStatus.DECLINED,
        reason=reason,
        recommendations=parsed,
    )
