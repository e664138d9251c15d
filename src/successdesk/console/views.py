from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from successdesk.accounts.http import AuthedRequest
from successdesk.accounts.roles import Role
from successdesk.triage.desk import agent_desk
from successdesk.web import staff_only

from .rows import queue_rows


@staff_only
@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    """The staff member's desk: their open cases by SLA urgency, their teams' queues."""
    desk = agent_desk(request.user, timezone.now())
    rows = queue_rows([row.case for row in desk.cases], desk.badges)
    for row, mine in zip(rows, desk.cases, strict=True):
        row["urgency"], row["tone"] = mine.urgency, mine.tone
    roles = sorted(Role(role).label.lower() for role in request.user.roles)
    return render(request, "console/home.html", {"desk": desk, "rows": rows, "roles": roles})
