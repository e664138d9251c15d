"""SLA targets: how long a first response and a resolution may take, per severity.

A package version's SLA table holds one target per severity (1 to 4); a case's clocks
(``sla_clock``) count towards one of a target's two durations.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from successdesk.domain.errors import InvalidInput

ClockKind = Literal["first_response", "resolution"]
SEVERITIES = (1, 2, 3, 4)
_ZERO = timedelta(0)


def seconds_number(value: timedelta) -> int | float:
    seconds = value / timedelta(seconds=1)
    return int(seconds) if seconds.is_integer() else seconds


def stored_duration(data: Mapping[str, Any], key: str) -> timedelta:
    """A duration stored as its number of seconds (``seconds_number``)."""
    try:
        return timedelta(seconds=data[key])
    except (KeyError, OverflowError, ValueError):
        raise InvalidInput(
            f"{key} must be a number of seconds; got {data.get(key)!r}.", field=key
        ) from None


def stored_flag(data: Mapping[str, Any], key: str) -> bool:
    """A stored true/false (true when absent)."""
    return bool(data.get(key, True))


@dataclass(frozen=True, slots=True)
class SlaTarget:
    """How long a first response and a resolution may take, on business hours or 24x7."""

    first_response: timedelta
    resolution: timedelta
    business_hours: bool = True

    def __post_init__(self) -> None:
        for name in ("first_response", "resolution"):
            value = getattr(self, name)
            if value <= _ZERO:
                raise InvalidInput(f"{name} must be a positive timedelta; got {value!r}.")

    def duration(self, kind: ClockKind) -> timedelta:
        return self.first_response if kind == "first_response" else self.resolution

    def to_dict(self) -> dict[str, Any]:
        return {
            "first_response_seconds": seconds_number(self.first_response),
            "resolution_seconds": seconds_number(self.resolution),
            "business_hours": self.business_hours,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlaTarget:
        return cls(
            first_response=stored_duration(data, "first_response_seconds"),
            resolution=stored_duration(data, "resolution_seconds"),
            business_hours=stored_flag(data, "business_hours"),
        )


class SlaTable(Mapping[int, SlaTarget]):
    """The targets of one package version, keyed by severity 1 to 4 (all four present)."""

    __slots__ = ("_targets",)

    def __init__(self, targets: Mapping[int, SlaTarget]) -> None:
        if set(targets) != set(SEVERITIES):
            raise InvalidInput(
                f"An SLA table needs exactly severities 1, 2, 3 and 4; got {sorted(targets)}."
            )
        self._targets = {s: targets[s] for s in SEVERITIES}

    def __getitem__(self, severity: int) -> SlaTarget:
        return self._targets[severity]

    def __iter__(self) -> Iterator[int]:
        return iter(self._targets)

    def __len__(self) -> int:
        return len(self._targets)

    def __hash__(self) -> int:
        return hash(tuple(self._targets.items()))

    def __repr__(self) -> str:
        return f"SlaTable({self._targets!r})"

    def target(self, severity: int) -> SlaTarget:
        """The target for a severity; an unknown severity is refused with a clear error."""
        if severity not in self._targets:
            raise InvalidInput(
                f"Severity must be 1, 2, 3 or 4; got {severity!r}.", field="severity"
            )
        return self._targets[severity]

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return {str(s): t.to_dict() for s, t in self._targets.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str | int, Mapping[str, Any]]) -> SlaTable:
        try:
            return cls({int(s): SlaTarget.from_dict(t) for s, t in data.items()})
        except (TypeError, ValueError, AttributeError):
            raise InvalidInput(f"Not an SLA table: {data!r}.") from None
