"""The case lifecycle primitive: move a case along its statuses, give it to an agent.

Everything that changes a case's status or assignee calls these (conversation, triage,
service requests, intake, the pages); they depend only on the case models, its clocks and
notices, and the pure lifecycle rule (``successdesk.domain.lifecycle``). Opening a case is
intake (``successdesk.intake``); the conversation is in ``conversation.py``.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from successdesk.accounts.models import User
from successdesk.domain.errors import InvalidInput
from successdesk.domain.lifecycle import CaseStatus, ResolutionType, is_open, transition

from . import clocks
from .models import Case, CaseEvent
from .notify import notify_status_changed
from .remote_access import remote_access_end_with_case


def case_transition(
    *,
    case: Case,
    to: CaseStatus | str,
    by: User | None,
    resolution: ResolutionType | str | None = None,
    summary: str | None = None,
    at: datetime | None = None,
) -> Case:
    """Move a case along its lifecycle (a pure rule), adjust its clocks, record who/when.
    Resolving or closing a case ends its remote-access grants."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        step = transition(
            locked.status,
            to,
            at=at,
            resolved_at=locked.resolved_at,
            resolution=resolution,
            summary=summary,
            reopen_days=settings.CASE_REOPEN_DAYS,
        )
        clocks.apply(locked, step.clock_effects, at)
        locked.status = step.to_status.value
        if step.to_status is CaseStatus.RESOLVED:
            locked.resolution_type = str(step.resolution or "")
            locked.resolution_summary = step.summary or ""
            locked.resolved_at = at
        elif step.to_status is CaseStatus.CLOSED:
            locked.closed_at = at
        elif step.is_reopen:
            locked.resolved_at = None
        locked.save()
        CaseEvent.objects.create(
            case=locked,
            at=at,
            actor=by,
            kind="reopened" if step.is_reopen else "status_changed",
            from_status=step.from_status.value,
            to_status=step.to_status.value,
            data={"resolution": locked.resolution_type, "summary": locked.resolution_summary}
            if step.to_status is CaseStatus.RESOLVED
            else {},
        )
        if not is_open(step.to_status):
            remote_access_end_with_case(case=locked, by=by, at=at)
        notify_status_changed(locked, step.from_status.value, actor=by, at=at)
    return locked


def case_assign(*, case: Case, assignee: User | None, by: User) -> Case:
    """Give the case to ``assignee`` (or nobody), under the case's row lock, so a
    concurrent transition or assignment waits; ``updated_at`` moves with it."""
    if assignee is not None and not assignee.is_vendor_staff:
        raise InvalidInput("Cases are assigned to vendor staff only.", field="assignee")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        locked.assignee = assignee
        locked.save(update_fields=["assignee", "updated_at"])  # auto_now sets updated_at
        CaseEvent.objects.create(
            case=locked,
            actor=by,
            kind="assigned",
            is_internal=True,
            data={"assignee": assignee.email if assignee else None},
        )
    case.refresh_from_db()
    return case
