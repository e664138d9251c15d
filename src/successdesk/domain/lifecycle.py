"""Case statuses, the allowed transitions between them, and what each does to the SLA clocks.

new → triaged → in_progress ⇄ awaiting_customer → resolved → closed; also new → in_progress,
any open status → resolved, and resolved → in_progress (reopen) within a window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Literal

from successdesk.domain.errors import Conflict, InvalidInput
from successdesk.domain.labels import code_label


class CaseStatus(StrEnum):
    NEW = "new"
    TRIAGED = "triaged"
    IN_PROGRESS = "in_progress"
    AWAITING_CUSTOMER = "awaiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """The staff-facing label."""
        return code_label(self.value)


class ResolutionType(StrEnum):
    FIX = "fix"
    WORKAROUND = "workaround"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"fix": "Fix", "workaround": "Workaround", "other": "Other solution"}[self.value]


_S = CaseStatus
# The open statuses (work is still expected), in lifecycle order: the selectors and the
# partial indexes over open cases (cases/models.py) are built from these two.
OPEN: tuple[CaseStatus, ...] = (_S.NEW, _S.TRIAGED, _S.IN_PROGRESS, _S.AWAITING_CUSTOMER)
# A team's queue is its work to do; cases waiting on the customer show under "my cases".
TEAM_QUEUE: tuple[CaseStatus, ...] = (_S.NEW, _S.TRIAGED, _S.IN_PROGRESS)
_ALLOWED: dict[CaseStatus, frozenset[CaseStatus]] = {
    _S.NEW: frozenset({_S.TRIAGED, _S.IN_PROGRESS, _S.RESOLVED}),
    _S.TRIAGED: frozenset({_S.IN_PROGRESS, _S.RESOLVED}),
    _S.IN_PROGRESS: frozenset({_S.AWAITING_CUSTOMER, _S.RESOLVED}),
    _S.AWAITING_CUSTOMER: frozenset({_S.IN_PROGRESS, _S.RESOLVED}),
    _S.RESOLVED: frozenset({_S.IN_PROGRESS, _S.CLOSED}),
    _S.CLOSED: frozenset(),
}
_CUSTOMER_LABELS = {
    _S.NEW: "Received",
    _S.TRIAGED: "Received",
    _S.IN_PROGRESS: "In progress",
    _S.AWAITING_CUSTOMER: "Waiting for your reply",
    _S.RESOLVED: "Resolved",
    _S.CLOSED: "Closed",
}
DEFAULT_REOPEN_DAYS = 14

Clock = Literal["first_response", "resolution"]
ClockAction = Literal["pause", "resume", "stop", "restart"]


@dataclass(frozen=True)
class ClockEffect:
    """What the caller must do to one SLA clock. Stopping a stopped clock is a no-op."""

    clock: Clock
    action: ClockAction


@dataclass(frozen=True, kw_only=True)
class Transition:
    """An allowed status change and its effects on the SLA clocks, in order."""

    from_status: CaseStatus
    to_status: CaseStatus
    at: datetime
    clock_effects: tuple[ClockEffect, ...] = ()
    resolution: ResolutionType | None = None
    summary: str | None = None

    @property
    def is_reopen(self) -> bool:
        return self.from_status is _S.RESOLVED and self.to_status is _S.IN_PROGRESS


class InvalidTransition(Conflict):
    code = "invalid_transition"
    status = 409
    title = "This status change is not allowed"


class ResolutionRequired(InvalidInput):
    code = "resolution_required"
    status = 422
    title = "A resolution is required"


class ReopenWindowClosed(Conflict):
    code = "reopen_window_closed"
    status = 409
    title = "The case can no longer be reopened"


def allowed_targets(current: CaseStatus | str) -> frozenset[CaseStatus]:
    """The statuses a case in ``current`` may move to."""
    return _ALLOWED[_status(current, "current")]


def is_open(status: CaseStatus | str) -> bool:
    """Whether work on the case is still expected (resolved and closed are not open)."""
    return _status(status, "status") in OPEN


def customer_visible_label(status: CaseStatus | str) -> str:
    """The label customers see: triage is internal, so new and triaged both read Received."""
    return _CUSTOMER_LABELS[_status(status, "status")]


def transition(
    current: CaseStatus | str,
    target: CaseStatus | str,
    *,
    at: datetime,
    resolved_at: datetime | None = None,
    resolution: ResolutionType | str | None = None,
    summary: str | None = None,
    reopen_days: int = DEFAULT_REOPEN_DAYS,
    reopen_clock: Literal["resume", "restart"] = "resume",
) -> Transition:
    """Check a status change and say what it does to the SLA clocks.

    Resolving needs ``resolution`` and a non-blank ``summary``. Reopening (resolved →
    in_progress) needs ``resolved_at`` and is allowed until ``reopen_days`` * 24 h after it,
    inclusive; ``reopen_clock`` says whether the resolution clock resumes (the default:
    time already counted still counts) or restarts from zero.
    """
    source, goal = _status(current, "current"), _status(target, "target")
    _aware(at, "at")
    if goal not in _ALLOWED[source]:
        allowed = [s.value for s in CaseStatus if s in _ALLOWED[source]]
        hint = (
            f"From {source.label} it can move to: {', '.join(allowed)}."
            if allowed
            else "A closed case is final: open a new case and mention this case's number."
        )
        raise InvalidTransition(
            f"A case cannot move from {source.label} to {goal.label}. {hint}",
            field="status",
            current=source.value,
            target=goal.value,
            allowed=allowed,
        )
    if goal is _S.RESOLVED:
        kind, text = _resolution(resolution, summary)
        stop = (ClockEffect("first_response", "stop"), ClockEffect("resolution", "stop"))
        return Transition(
            from_status=source,
            to_status=goal,
            at=at,
            clock_effects=stop,
            resolution=kind,
            summary=text,
        )
    effects: tuple[ClockEffect, ...] = ()
    if source is _S.RESOLVED and goal is _S.IN_PROGRESS:
        _check_reopen(at, resolved_at, reopen_days)
        if reopen_clock not in ("resume", "restart"):
            raise InvalidInput(
                f"reopen_clock must be 'resume' or 'restart'; got {reopen_clock!r}. Pass one.",
                field="reopen_clock",
            )
        effects = (ClockEffect("resolution", reopen_clock),)
    elif goal is _S.AWAITING_CUSTOMER:
        effects = (ClockEffect("resolution", "pause"),)
    elif source is _S.AWAITING_CUSTOMER:
        effects = (ClockEffect("resolution", "resume"),)
    return Transition(from_status=source, to_status=goal, at=at, clock_effects=effects)


def _status(value: CaseStatus | str, name: str) -> CaseStatus:
    try:
        return CaseStatus(value)
    except ValueError:
        raise InvalidInput(
            f"{value!r} is not a case status. Use one of: {', '.join(CaseStatus)}.", field=name
        ) from None


def _aware(value: datetime, name: str) -> None:
    if value.utcoffset() is None:
        raise InvalidInput(
            f"{name} must be an aware datetime (with a time zone); got {value!r}. "
            "Pass the instant with its time zone, e.g. in UTC.",
            field=name,
        )


def _resolution(
    resolution: ResolutionType | str | None, summary: str | None
) -> tuple[ResolutionType, str]:
    if resolution is None or resolution == "":
        raise ResolutionRequired(
            "A case can only be resolved with a resolution type. Choose Fix, Workaround or "
            "Other solution.",
            field="resolution",
        )
    try:
        kind = ResolutionType(resolution)
    except ValueError:
        raise InvalidInput(
            f"{resolution!r} is not a resolution type. Use one of: {', '.join(ResolutionType)}.",
            field="resolution",
        ) from None
    if summary is None or not summary.strip():
        raise ResolutionRequired(
            "A case can only be resolved with a summary of the resolution. Write what was "
            "done or what the customer should do, then resolve the case.",
            field="summary",
        )
    return kind, summary.strip()


def _check_reopen(at: datetime, resolved_at: datetime | None, reopen_days: int) -> None:
    if resolved_at is None:
        raise InvalidInput(
            "Reopening needs the instant the case was resolved. Pass resolved_at.",
            field="resolved_at",
        )
    _aware(resolved_at, "resolved_at")
    if reopen_days < 0:
        raise InvalidInput(
            f"reopen_days must be a whole number of days ≥ 0; got {reopen_days!r}.",
            field="reopen_days",
        )
    until = (resolved_at.astimezone(UTC) + timedelta(days=reopen_days)).astimezone(
        resolved_at.tzinfo
    )
    if at.astimezone(UTC) > until.astimezone(UTC):
        raise ReopenWindowClosed(
            f"This case was resolved on {resolved_at:%Y-%m-%d %H:%M %Z} and could be reopened "
            f"for {reopen_days} days, until {until:%Y-%m-%d %H:%M %Z}. Open a new case instead "
            "and mention this case's number in it.",
            field="status",
            resolved_at=resolved_at.isoformat(),
            reopen_until=until.isoformat(),
            reopen_days=reopen_days,
        )
