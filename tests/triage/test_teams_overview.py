"""The teams overview counts each team's queue and its unassigned part, open cases only."""

from __future__ import annotations

from successdesk.accounts.models import SupportTeam, User
from successdesk.cases.models import Case
from successdesk.triage.selectors import teams_overview


def test_each_team_counts_its_new_triaged_and_in_progress_cases_and_the_unassigned_ones(
    teams: dict[str, SupportTeam], agents: list[User]
) -> None:
    platform, integrations = teams["platform"], teams["integrations"]
    rows = [
        # team, status, assignee: only new, triaged and in progress are in a team's queue
        (platform, "new", None),
        (platform, "triaged", agents[0]),
        (platform, "in_progress", agents[1]),
        (platform, "in_progress", None),
        (platform, "awaiting_customer", None),
        (platform, "resolved", None),
        (platform, "closed", agents[0]),
        (integrations, "triaged", None),
        (None, "new", None),
    ]
    Case.objects.bulk_create(
        Case(
            number=f"T-{n}",
            subject="-",
            description="-",
            severity=3,
            channel="web",
            source="portal",
            team=team,
            status=status,
            assignee=assignee,
        )
        for n, (team, status, assignee) in enumerate(rows)
    )

    counts = {team.slug: (team.queued, team.unassigned) for team in teams_overview()}  # type: ignore[attr-defined]

    assert counts == {"platform": (4, 2), "integrations": (1, 1), "advocacy-programs": (0, 0)}
    assert [team.name for team in teams_overview()] == sorted(t.name for t in teams.values())
