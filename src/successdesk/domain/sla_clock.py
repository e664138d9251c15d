"""SLA clocks that pause and resume on a business calendar.

A clock counts open time of its calendar (or every instant, for a 24x7 target) from its
start, minus its pauses, until it is stopped. It is an immutable value: ``start``,
``pause``, ``resume`` and ``stop`` return new clocks, and every query takes the instant
``at`` explicitly (the domain never reads the clock).

While a clock is paused its due time is unknown (``due_at()`` is None) unless it had
already passed before the pause, and ``elapsed``/``remaining`` are frozen. A pause shifts
the due time by the open time that elapsed during the pause. docs/sla.md has the details.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any, Literal, get_args

from successdesk.domain.calendars import DASH, BusinessCalendar
from successdesk.domain.errors import Conflict, InvalidInput
from successdesk.domain.lifecycle import ClockEffect
from successdesk.domain.sla_targets import (
    ClockKind,
    SlaTarget,
    seconds_number,
    stored_duration,
    stored_flag,
)
from successdesk.domain.sla_text import closed_runs, format_duration, format_instant

ClockState = Literal["on_track", "at_risk", "breached", "paused", "met", "missed"]
DEFAULT_AT_RISK_SHARE = 0.75
_ZERO = timedelta(0)


def _aware(value: datetime, name: str) -> datetime:
    if value.utcoffset() is None:
        raise InvalidInput(f"{name} must be a timezone-aware datetime; got {value!r}.", field=name)
    return value


def _utc(value: datetime, name: str) -> datetime:
    return _aware(value, name).astimezone(UTC)


def _parse_instant(value: str | None, name: str) -> datetime | None:
    """A stored instant (ISO 8601, as ``to_dict`` writes it) or None."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name} is not an ISO 8601 date-time: {value!r}.", field=name) from None
    return _aware(parsed, name)


def _parse_required(value: str | None, name: str) -> datetime:
    parsed = _parse_instant(value, name)
    if parsed is None:
        raise InvalidInput(f"{name} is missing.", field=name)
    return parsed


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def stopped_outcome(stopped_at: datetime, due_at: datetime | None) -> Literal["met", "missed"]:
    """A stopped clock's outcome: met when it stopped at or before its due time."""
    return "missed" if due_at is not None and stopped_at > due_at else "met"


@dataclass(frozen=True, slots=True)
class Pause:
    """A pause from ``start`` to ``end`` (None while it lasts), with why."""

    start: datetime
    reason: str
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class SlaClock:
    """One SLA clock of a case (its first response or its resolution).

    ``calendar`` is the business calendar of the case; when ``business_hours`` is false
    the clock counts every instant (a 24x7 calendar in the same zone) instead.
    """

    target: timedelta
    calendar: BusinessCalendar
    business_hours: bool = True
    kind: ClockKind = "resolution"
    at_risk_share: float = DEFAULT_AT_RISK_SHARE
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    pauses: tuple[Pause, ...] = ()
    counting: BusinessCalendar = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.target <= _ZERO:
            raise InvalidInput(f"target must be a positive timedelta; got {self.target!r}.")
        if self.kind not in get_args(ClockKind):
            raise InvalidInput(f"kind must be first_response or resolution; got {self.kind!r}.")
        share = self.at_risk_share
        if not 0 < share <= 1:
            raise InvalidInput(f"at_risk_share must be in (0, 1]; got {share!r}.")
        self._check_events()
        counting = self.calendar if self.business_hours else self.calendar.always_open(self.tz)
        object.__setattr__(self, "counting", counting)

    def _check_events(self) -> None:
        """Store every event in UTC (comparisons of datetimes in one zone ignore ``fold``)
        and check that they are complete and in time order."""
        events: list[datetime] = []
        if self.started_at is not None:
            events.append(_utc(self.started_at, "started_at"))
            object.__setattr__(self, "started_at", events[-1])
        elif self.pauses or self.stopped_at is not None:
            raise InvalidInput("A clock that has not started cannot be paused or stopped.")
        pauses = []
        for number, pause in enumerate(self.pauses, 1):
            events.append(_utc(pause.start, "pause start"))
            pauses.append(Pause(start=events[-1], reason=pause.reason))
            if pause.end is not None:
                events.append(_utc(pause.end, "pause end"))
                pauses[-1] = replace(pauses[-1], end=events[-1])
            elif number < len(self.pauses) or self.stopped_at is not None:
                raise InvalidInput("Only the last pause of a running clock may be open.")
        object.__setattr__(self, "pauses", tuple(pauses))
        if self.stopped_at is not None:
            events.append(_utc(self.stopped_at, "stopped_at"))
            object.__setattr__(self, "stopped_at", events[-1])
        if any(later < earlier for earlier, later in pairwise(events)):
            raise InvalidInput(
                "Clock events must be in time order (start, pauses, stop); got "
                + ", ".join(e.isoformat() for e in events)
                + "."
            )

    # -- transitions (each returns a new clock) -------------------------------------------

    @classmethod
    def for_target(
        cls,
        target: SlaTarget,
        kind: ClockKind,
        calendar: BusinessCalendar,
        *,
        at_risk_share: float = DEFAULT_AT_RISK_SHARE,
    ) -> SlaClock:
        """A not-yet-started clock for one of a target's two durations."""
        return cls(
            target=target.duration(kind),
            calendar=calendar,
            business_hours=target.business_hours,
            kind=kind,
            at_risk_share=at_risk_share,
        )

    @property
    def tz(self) -> str:
        return str(self.calendar.tz)

    @property
    def is_paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].end is None

    def _last_event(self) -> datetime:
        if self.started_at is None:
            raise Conflict(f"The {self.kind} clock has not started yet; start it first.")
        if self.stopped_at is not None:
            raise Conflict(
                f"The {self.kind} clock stopped at {self.stopped_at.isoformat()}; "
                "it cannot change any more."
            )
        if not self.pauses:
            return self.started_at
        last = self.pauses[-1]
        return last.start if last.end is None else last.end

    def _event(self, at: datetime, name: str, after: datetime | None = None) -> datetime:
        at = _utc(at, name)
        if after is not None and at < after:
            raise InvalidInput(
                f"{name} {at.isoformat()} is before the clock's last event "
                f"({after.isoformat()}); events must go forward in time.",
                field=name,
            )
        return at

    def start(self, at: datetime) -> SlaClock:
        if self.started_at is not None:
            raise Conflict(f"The {self.kind} clock already started at {self.started_at}.")
        return replace(self, started_at=self._event(at, "at"))

    def pause(self, at: datetime, reason: str) -> SlaClock:
        last = self._last_event()
        if self.is_paused:
            raise Conflict(f"The {self.kind} clock is already paused; resume it first.")
        if not reason.strip():
            raise InvalidInput("Say why the clock is paused (e.g. 'awaiting customer').")
        pause = Pause(start=self._event(at, "at", last), reason=reason.strip())
        return replace(self, pauses=(*self.pauses, pause))

    def resume(self, at: datetime) -> SlaClock:
        last = self._last_event()
        if not self.is_paused:
            raise Conflict(f"The {self.kind} clock is not paused; there is nothing to resume.")
        pause = replace(self.pauses[-1], end=self._event(at, "at", last))
        return replace(self, pauses=(*self.pauses[:-1], pause))

    def stop(self, at: datetime) -> SlaClock:
        """Stop the clock (the response was given or the case resolved); a running pause
        ends at the same instant."""
        at = self._event(at, "at", self._last_event())
        clock = self.resume(at) if self.is_paused else self
        return replace(clock, stopped_at=at)

    def apply(
        self, effect: ClockEffect, at: datetime, *, reason: str = "awaiting customer"
    ) -> SlaClock:
        """The clock after one effect of a lifecycle transition. An effect that does not
        fit the clock's state is a no-op (pausing a paused or stopped clock, resuming a
        running one, stopping a stopped one). Resuming a stopped clock (a reopened case)
        counts the time it spent resolved as a pause; ``restart`` starts afresh at ``at``."""
        match effect.action:
            case "pause" if not self.is_paused and self.stopped_at is None:
                return self.pause(at, reason)
            case "resume" if self.is_paused:
                return self.resume(at)
            case "resume" if self.stopped_at is not None:
                gap = Pause(start=self.stopped_at, reason="while resolved", end=at)
                return replace(self, stopped_at=None, pauses=(*self.pauses, gap))
            case "stop" if self.stopped_at is None:
                return self.stop(at)
            case "restart":
                fresh = SlaClock(
                    target=self.target,
                    calendar=self.calendar,
                    business_hours=self.business_hours,
                    kind=self.kind,
                    at_risk_share=self.at_risk_share,
                )
                return fresh.start(at)
        return self

    # -- queries --------------------------------------------------------------------------

    def _segments(self, begin: datetime) -> list[tuple[datetime, datetime | None]]:
        """Running periods from the start ``begin``; the last one is open-ended unless the
        clock is paused."""
        segments: list[tuple[datetime, datetime | None]] = []
        for pause in self.pauses:
            segments.append((begin, pause.start))
            if pause.end is None:
                return segments
            begin = pause.end
        segments.append((begin, None))
        return segments

    def due_at(self) -> datetime | None:
        """When the target is (or was) reached: None before the start, and None while
        paused unless it was reached before the pause. For a stopped clock that had not
        reached it, the instant it would have been reached had it kept running."""
        if self.started_at is None:
            return None
        left = self.target
        for begin, end in self._segments(self.started_at):
            if end is None:
                return self.counting.add(begin, left)
            counted = self.counting.between(begin, end)
            if counted >= left:
                return self.counting.add(begin, left)
            left -= counted
        return None

    def due_if_resumed(self, at: datetime) -> datetime | None:
        """The due time if a paused clock were resumed at ``at`` (else :meth:`due_at`):
        e.g. "if the customer answers now, we owe a reply by ..."."""
        return self.resume(at).due_at() if self.is_paused else self.due_at()

    def elapsed(self, at: datetime) -> timedelta:
        """Time counted up to ``at``: open time since the start, excluding pauses, up to the
        stop."""
        at = _utc(at, "at")
        if self.started_at is None:
            return _ZERO
        if self.stopped_at is not None:
            at = min(at, self.stopped_at)
        total = _ZERO
        for begin, end in self._segments(self.started_at):
            total += self.counting.between(begin, at if end is None else min(end, at))
        return total

    def remaining(self, at: datetime) -> timedelta:
        """``target - elapsed(at)``: negative once overdue; frozen while paused."""
        return self.target - self.elapsed(at)

    def state(self, at: datetime) -> ClockState:
        """The clock as seen at ``at``: met/missed once stopped (stopped at or before the
        due time = met); breached once past the due time (even while paused); paused;
        at_risk once ``at_risk_share`` of the target has elapsed; else on_track (also
        before the start)."""
        at = _utc(at, "at")
        elapsed = self.elapsed(at)
        if self.started_at is None or at < self.started_at:
            return "on_track"
        due = self.due_at()
        if self.stopped_at is not None and self.stopped_at <= at:
            return stopped_outcome(self.stopped_at, due)
        if due is not None and at > due:
            return "breached"
        if any(p.start <= at and (p.end is None or at < p.end) for p in self.pauses):
            return "paused"
        if elapsed >= self.target * self.at_risk_share:
            return "at_risk"
        return "on_track"

    def explain(self) -> str:
        """How the due time was reached, in a few phrases, e.g. "Started Fri 27 Nov 18:30
        EST; 8h business time on Mon-Fri 08:00-20:00 America/Toronto; skipped Sat 28-Sun
        29 Nov (weekend); due Mon 30 Nov 14:30 EST." """
        if self.business_hours:
            basis = f"{format_duration(self.target)} business time on {self.calendar.describe()}"
        else:
            basis = f"{format_duration(self.target)} around the clock ({self.tz})"
        if self.started_at is None:
            return f"Not started; {basis}."
        due = self.due_at()
        show = self._show
        parts = [f"Started {show(self.started_at)}", basis]
        last = due or self.pauses[-1].start
        skipped = closed_runs(self.counting.closed_days(self.started_at, last))
        if skipped:
            parts.append(f"skipped {skipped}")
        for pause in self.pauses:
            if pause.end is None:
                parts.append(f"paused since {show(pause.start)} {pause.reason}")
            else:
                counted = format_duration(self.counting.between(pause.start, pause.end))
                parts.append(
                    f"paused {counted} {pause.reason} ({self._span(pause.start, pause.end)})"
                )
        if due is None:
            parts.append("due time on hold while paused")
        else:
            parts.append(f"due {show(due)}")
        if self.stopped_at is not None:
            outcome = self.state(self.stopped_at)
            parts.append(f"stopped {show(self.stopped_at)} ({outcome})")
        return "; ".join(parts) + "."

    def _show(self, value: datetime) -> str:
        return format_instant(value.astimezone(self.calendar.tz))

    def _span(self, start: datetime, end: datetime) -> str:
        """``Mon 30 Nov 09:00-11:10 EST`` (same day) or ``Fri 27 Nov 19:00 EST to Mon ...``."""
        start, end = start.astimezone(self.calendar.tz), end.astimezone(self.calendar.tz)
        if start.date() == end.date() and start.tzname() == end.tzname():
            return f"{start:%a} {start.day} {start:%b %H:%M}{DASH}{end:%H:%M %Z}"
        return f"{format_instant(start)} to {format_instant(end)}"

    # -- storage --------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data; the calendar itself is configuration and is not stored
        (only its zone and description, for the record)."""
        return {
            "version": 1,
            "kind": self.kind,
            "target_seconds": seconds_number(self.target),
            "business_hours": self.business_hours,
            "at_risk_share": self.at_risk_share,
            "tz": self.tz,
            "calendar": self.calendar.describe(),
            "started_at": _iso(self.started_at),
            "stopped_at": _iso(self.stopped_at),
            "pauses": [
                {"start": _iso(p.start), "end": _iso(p.end), "reason": p.reason}
                for p in self.pauses
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, calendar: BusinessCalendar) -> SlaClock:
        """The clock stored by :meth:`to_dict`, counted on ``calendar``. The data is the
        JSON ``to_dict`` wrote (the case's ``sla_clocks``): its shape is not checked again,
        only its version and its values' rules."""
        if data.get("version") != 1:
            raise InvalidInput(f"Not a stored SLA clock (version 1): {data!r}.")
        pauses = data.get("pauses", [])
        return cls(
            target=stored_duration(data, "target_seconds"),
            calendar=calendar,
            business_hours=stored_flag(data, "business_hours"),
            kind=data.get("kind", "resolution"),
            at_risk_share=data.get("at_risk_share", DEFAULT_AT_RISK_SHARE),
            started_at=_parse_instant(data.get("started_at"), "started_at"),
            stopped_at=_parse_instant(data.get("stopped_at"), "stopped_at"),
            pauses=tuple(
                Pause(
                    start=_parse_required(p.get("start"), "pause start"),
                    end=_parse_instant(p.get("end"), "pause end"),
                    reason=p["reason"],
                )
                for p in pauses
            ),
        )
