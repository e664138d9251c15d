"""The console's home page: the staff member's desk."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from successdesk.accounts import services as accounts
from successdesk.accounts.models import Customer, User
from successdesk.cases.models import Case
from successdesk.intake.services import CaseDraft, case_open_portal
from tests.conftest import signed_in


def opened(user: User, subject: str, *, severity: int, days_ago: int = 0) -> Case:
    return case_open_portal(
        requester=user,
        draft=CaseDraft(subject=subject, description="It broke.", severity=severity),
        at=timezone.now() - timedelta(days=days_ago),
    )


def test_the_console_home_lists_the_agents_open_cases_most_urgent_sla_first(
    premier_northwind: Customer, northwind_user: User, support_agent: User, triage_agent: User
) -> None:
    calm = opened(northwind_user, "A question about settings", severity=4)
    late = opened(northwind_user, "Leaderboard frozen", severity=2, days_ago=20)
    someone_elses = opened(northwind_user, "Not mine", severity=2, days_ago=20)
    Case.objects.filter(pk__in=[calm.pk, late.pk]).update(assignee=support_agent)
    Case.objects.filter(pk=someone_elses.pk).update(assignee=triage_agent)
    page = signed_in(support_agent).get("/console/").content.decode()
    assert page.index(late.number) < page.index(calm.number)
    assert page.index("Breached") < page.index(late.number) < page.index("On track")
    assert someone_elses.number not in page


def test_the_console_home_shows_the_agents_team_queues_with_counts_and_the_triage_queue(
    premier_northwind: Customer, northwind_user: User, support_agent: User
) -> None:
    platform = accounts.team_ensure(name="Platform", members=[support_agent])
    accounts.team_ensure(name="Integrations")
    queued = [opened(northwind_user, f"Case {n}", severity=3) for n in range(3)]
    Case.objects.filter(pk__in=[c.pk for c in queued]).update(team=platform, status="triaged")
    Case.objects.filter(pk=queued[0].pk).update(assignee=support_agent)
    opened(northwind_user, "Fresh one", severity=3)  # new: waits for triage
    page = signed_in(support_agent).get("/console/").content.decode()
    assert (
        '<a href="/console/queues/platform/">Platform</a>: <strong>3</strong> in the queue, '
        "2 not assigned" in page
    )
    assert "Integrations" not in page  # not the agent's team
    assert '<span class="stat">1</span> new case waiting' in page
