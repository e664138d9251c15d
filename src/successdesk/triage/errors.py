"""Refusals of triage, routing and queues, each with a stable code."""

from __future__ import annotations

from successdesk.domain.errors import InvalidInput


class UnknownTeam(InvalidInput):
    code = "unknown_team"
    title = "No such support team"

    def __init__(self, slug: str, known: list[str]) -> None:
        super().__init__(
            f"There is no support team {slug!r}. Use one of: {', '.join(known) or '(none yet)'}.",
            field="team",
            teams=known,
        )


class OverrideRequired(InvalidInput):
    code = "routing_override_required"
    title = "The routing rules send this case elsewhere"
