"""The SLA escalation sweep: at-risk and breached clocks notify the assignee and the team
lead, and leave an event on the case — once per (case, clock, level), however often and
however late the sweep runs.

Candidates come from indexed columns (``<clock>_at_risk_at`` is set only while a clock
runs): open cases whose at-risk instant has passed without an at-risk escalation, or whose
due time has passed without a breach escalation. Each is judged by its clock's state at
``now``, so a run that was missed is caught up by the next one. ``SlaEscalation``'s unique
constraint makes concurrent sweeps safe: the second insert fails and is skipped.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from successdesk.accounts.models import TeamMembership
from successdesk.cases.clocks import KINDS, at_risk_at
from successdesk.cases.models import OPEN_STATUSES, Case, CaseEvent
from successdesk.domain.sla_clock import SlaClock
from successdesk.domain.sla_targets import ClockKind
from successdesk.notifications.services import notification_queue

from .badges import LABELS, Calendars
from .models import SlaEscalation

log = logging.getLogger(__name__)
BATCH = 500
Level = SlaEscalation.Level


def candidates(now: datetime) -> Q:
    """Open cases with a clock past its at-risk instant or its due time and no escalation
    of that level yet."""
    done = SlaEscalation.objects.filter(case=OuterRef("pk"))
    found = Q()
    for kind in KINDS:
        risk, due = f"{kind}_at_risk_at__lte", f"{kind}_due_at__lte"
        at_risk = Exists(done.filter(clock=kind, level=Level.AT_RISK))
        breached = Exists(done.filter(clock=kind, level=Level.BREACHED))
        found |= Q(Q(**{risk: now}), ~at_risk)
        found |= Q(Q(**{risk: now, due: now}), ~breached)
    return Q(status__in=OPEN_STATUSES) & found


def _levels(clock: SlaClock, now: datetime) -> list[Level]:
    """The levels a clock has reached at ``now`` (a breach implies at risk)."""
    state = clock.state(now)
    if state == "breached":
        return [Level.AT_RISK, Level.BREACHED]
    reached_share = clock.elapsed(now) >= clock.target * clock.at_risk_share
    if state == "at_risk" or (state == "paused" and reached_share):
        return [Level.AT_RISK]
    return []


def _leads_by_team(team_ids: set[int]) -> dict[int, list[str]]:
    leads: dict[int, list[str]] = defaultdict(list)
    for team_id, email in TeamMembership.objects.filter(
        team_id__in=team_ids, is_lead=True, user__is_active=True
    ).values_list("team_id", "user__email"):
        leads[team_id].append(email)
    return leads


def _recipients(case: Case, leads: dict[int, list[str]]) -> list[str]:
    """The assignee and the team's leads; for a case nobody holds, the vendor's ops
    address (so no escalation goes unheard)."""
    found = [case.assignee.email] if case.assignee and case.assignee.is_active else []
    found += leads.get(case.team_id or 0, [])
    return list(dict.fromkeys(found)) or [settings.VENDOR_NOTIFY_EMAIL]


def _notify(case: Case, kind: ClockKind, level: Level, clock: SlaClock, to: list[str]) -> None:
    due = clock.due_at()
    due_text = f"{due:%a %d %b %Y %H:%M %Z}" if due else "on hold (clock paused)"
    what = "is at risk" if level == Level.AT_RISK else "is breached"
    link = settings.SITE_URL.rstrip("/") + reverse("console:case", args=[case.number])
    notification_queue(
        to=to,
        subject=f"[{case.number}] SLA {LABELS[kind].lower()} {what}: {case.subject}"[:250],
        body=(
            f"The {LABELS[kind].lower()} target of case {case.number} {what}.\n\n"
            f"Customer: {case.customer or case.stated_customer_name or 'unverified sender'}\n"
            f"Severity {case.severity} · team: {case.team or 'not routed'} · "
            f"assignee: {case.assignee or 'nobody'}\n"
            f"Due: {due_text}\n\n{link}\n"
        ),
        kind=f"sla.{level}",
        key=f"sla:{case.pk}:{kind}:{level}",
        customer_id=None,
        thread=case.number,
    )


def _escalate(
    case: Case,
    kind: ClockKind,
    level: Level,
    clock: SlaClock,
    now: datetime,
    to: list[str] | None,
) -> bool:
    """Record one escalation (and notify, unless ``to`` is None); False if already done."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                SlaEscalation.objects.create(
                    case=case,
                    clock=kind,
                    level=level,
                    at=now,
                    due_at=clock.due_at(),
                    notified=to or [],
                )
        except IntegrityError:
            return False
        if to is None:
            return True
        CaseEvent.objects.create(
            case=case,
            at=now,
            kind=f"sla_{level}",
            is_internal=True,
            data={"clock": kind, "due_at": _iso(clock.due_at()), "notified": to},
        )
        _notify(case, kind, level, clock, to)
    return True


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _resync(case: Case, found: dict[ClockKind, SlaClock]) -> None:
    """Correct stale at-risk columns (e.g. a clock stopped by a partial save), so that the
    case leaves the candidates."""
    changes = {}
    for kind, clock in found.items():
        column = f"{kind}_at_risk_at"
        if getattr(case, column) != at_risk_at(clock):
            changes[column] = at_risk_at(clock)
    if changes:
        Case.objects.filter(pk=case.pk).update(**changes)


def sla_sweep(now: datetime | None = None, *, limit: int = 5 * BATCH) -> int:
    """Escalate every clock that reached a level by ``now``; returns how many escalations
    were recorded (0 on a re-run). At most ``limit`` cases a run: the next run goes on."""
    now = now or timezone.now()
    done = 0
    calendars = Calendars()
    ids = list(
        Case.objects.filter(candidates(now)).order_by("pk").values_list("pk", flat=True)[:limit]
    )
    for start in range(0, len(ids), BATCH):
        batch = list(
            Case.objects.filter(pk__in=ids[start : start + BATCH]).select_related(
                "customer", "team", "assignee", "package_version__sla_calendar"
            )
        )
        leads = _leads_by_team({c.team_id for c in batch if c.team_id})
        for case in batch:
            found = calendars.clocks(case)
            _resync(case, found)
            for kind, clock in found.items():
                for level in _levels(clock, now):
                    passed_by = level == Level.AT_RISK and clock.state(now) == "breached"
                    to = None if passed_by else _recipients(case, leads)
                    done += _escalate(case, kind, level, clock, now, to)
    if done:
        log.info("SLA sweep recorded %s escalation(s)", done)
    return done
