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


class InvalidCursor(InvalidInput):
    code = "invalid_cursor"
    title = "Invalid page cursor"

    def __init__(self, why: str) -> None:
        super().__init__(
            f"{why} Use the `next_cursor` of the previous page as it was given, or start "
            "again from the first page without a cursor.",
            field="cursor",
        )


class OverrideRequired(InvalidInput):
    code = "routing_override_required"
    title = "The routing rules send this case elsewhere"
