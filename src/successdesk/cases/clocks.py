"""A case's SLA clocks: built from its package version's targets, stored as JSON."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.conf import settings

from successdesk.domain.calendars import BusinessCalendar
from successdesk.domain.lifecycle import ClockEffect
from successdesk.domain.sla_clock import SlaClock, stopped_outcome
from successdesk.domain.sla_targets import ClockKind, SlaTarget
from successdesk.packages.calendars import calendar_built
from successdesk.packages.models import PackageVersion

from .models import Case

KINDS: tuple[ClockKind, ...] = ("first_response", "resolution")
# The Case fields that store() writes: save them together.
STORED_FIELDS = (
    "sla_clocks",
    "first_response_due_at",
    "resolution_due_at",
    "first_response_at_risk_at",
    "resolution_at_risk_at",
)


def calendar_of(version: PackageVersion) -> BusinessCalendar:
    """The version's SLA calendar, from the row loaded with it (no query once built)."""
    return calendar_built(version.sla_calendar)


def clocks_start(case: Case, at: datetime) -> None:
    """Start both clocks from the case's package version and severity (no version: none)."""
    version = case.package_version
    if version is None:
        case.sla_clocks = {}
        return
    spec = version.to_entitlements().sla_targets[case.severity]
    target = SlaTarget(
        first_response=spec.first_response,
        resolution=spec.resolution,
        business_hours=spec.business_hours,
    )
    calendar = calendar_of(version)
    clocks = {
        kind: SlaClock.for_target(
            target, kind, calendar, at_risk_share=settings.SLA_AT_RISK_SHARE
        ).start(at)
        for kind in KINDS
    }
    store(case, clocks)


def load(case: Case) -> dict[ClockKind, SlaClock]:
    if not case.sla_clocks or case.package_version is None:
        return {}
    calendar = calendar_of(case.package_version)
    return {
        kind: SlaClock.from_dict(case.sla_clocks[kind], calendar=calendar)
        for kind in KINDS
        if kind in case.sla_clocks
    }


def store(case: Case, clocks: dict[ClockKind, SlaClock]) -> None:
    case.sla_clocks = {kind: clock.to_dict() for kind, clock in clocks.items()}
    first, resolution = clocks.get("first_response"), clocks.get("resolution")
    case.first_response_due_at = first.due_at() if first else None
    case.resolution_due_at = resolution.due_at() if resolution else None
    case.first_response_at_risk_at = at_risk_at(first) if first else None
    case.resolution_at_risk_at = at_risk_at(resolution) if resolution else None


def at_risk_at(clock: SlaClock) -> datetime | None:
    """When a running clock reaches its at-risk share (None once stopped, or unknown while
    paused before reaching it): the instant the SLA sweep looks for."""
    if clock.stopped_at is not None:
        return None
    return replace(clock, target=clock.target * clock.at_risk_share).due_at()


def apply(case: Case, effects: tuple[ClockEffect, ...], at: datetime) -> None:
    """Apply a lifecycle transition's clock effects (``SlaClock.apply``) and store them."""
    clocks = load(case)
    for effect in effects:
        clock = clocks.get(effect.clock)
        if clock is not None:
            clocks[effect.clock] = clock.apply(effect, at)
    if clocks:
        store(case, clocks)


def stop_first_response(case: Case, at: datetime) -> bool:
    clocks = load(case)
    clock = clocks.get("first_response")
    if clock is None or clock.stopped_at is not None:
        return False
    if clock.is_paused:
        clock = clock.resume(at)
    clocks["first_response"] = clock.stop(at)
    store(case, clocks)
    return True


# --- What a page shows of the clocks ------------------------------------------------------

LABELS: dict[ClockKind, str] = {"first_response": "First response", "resolution": "Resolution"}


@dataclass(frozen=True)
class SlaLine:
    """One clock as a page shows it: a due time while it runs, nothing while it is paused
    short of its target, and once stopped its outcome (met or missed), never a due time."""

    kind: ClockKind
    label: str
    due_at: datetime | None = None
    stopped_at: datetime | None = None
    outcome: str = ""  # "met" or "missed" once stopped

    @property
    def running(self) -> bool:
        return self.stopped_at is None

    @property
    def paused(self) -> bool:
        return self.running and self.due_at is None


def sla_lines(case: Case) -> list[SlaLine]:
    """The case's clocks from its stored fields (no calendar, no query): cheap enough for
    every row of a list."""
    dues = {"first_response": case.first_response_due_at, "resolution": case.resolution_due_at}
    lines = []
    for kind in KINDS:
        stored = (case.sla_clocks or {}).get(kind)
        if not stored:
            continue
        stopped = stored.get("stopped_at")
        if stopped is None:
            lines.append(SlaLine(kind, LABELS[kind], due_at=dues[kind]))
            continue
        stopped_at = datetime.fromisoformat(stopped)
        outcome = stopped_outcome(stopped_at, dues[kind])
        lines.append(SlaLine(kind, LABELS[kind], stopped_at=stopped_at, outcome=outcome))
    return lines


def sla_outcome_words(line: SlaLine) -> str:
    """``target met`` / ``target missed`` for a stopped clock, else empty."""
    return f"target {line.outcome}" if line.outcome else ""
