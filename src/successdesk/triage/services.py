"""Writes for triage: route at intake, route or override, document a case, link a sender
to a customer or verify them.

Routing picks the team (rules first, the triage agent may override); the team's setting
picks the agent (round-robin or fewest open cases, among members marked available).
Every routing is recorded as an internal ``routed`` case event.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from successdesk.accounts.models import (
    Customer,
    SupportTeam,
    TeamMembership,
    User,
    normalise_email,
)
from successdesk.accounts.roles import Role
from successdesk.cases import clocks
from successdesk.cases.lifecycle import case_transition
from successdesk.cases.models import OPEN_STATUSES, Case, CaseEvent
from successdesk.cases.notify import notify_case_verified
from successdesk.cases.senders import ConfirmationLinkUsed, confirmation_read, sender_match
from successdesk.domain.errors import Conflict, InvalidInput, PermissionDenied
from successdesk.domain.intake import check_severity
from successdesk.domain.lifecycle import CaseStatus
from successdesk.domain.routing import Agent, choose_assignee
from successdesk.packages.selectors import customer_today, ensure_feature, subscription_current

from .errors import OverrideRequired
from .models import RoutingRule, TeamSettings
from .selectors import case_facts, routing_suggestion

TRIAGE_ROLES = (Role.TRIAGE_AGENT, Role.ADMIN)
FIELD_LIMIT = 60
NOTES_LIMIT = 20_000


def _check_triager(by: User) -> None:
    if not by.has_role(*TRIAGE_ROLES):
        raise PermissionDenied(
            "Only triage agents and admins triage and route cases. Ask a triage agent, or ask "
            "an admin for the triage agent role."
        )


def _locked(case: Case) -> Case:
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("customer", "team", "assignee", "package_version__package")
        .get(pk=case.pk)
    )
    if locked.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        raise Conflict(
            f"Case {locked.number} is {CaseStatus(locked.status).label.lower()}. Reopen it "
            "(move it back to in progress) before triaging or routing it.",
            field="status",
        )
    return locked


# --- assignment -----------------------------------------------------------------------------


def _assignee_for(team: SupportTeam, at: datetime) -> User | None:
    """The agent the team's strategy picks now (and the round-robin cursor moves on)."""
    setting, _ = TeamSettings.objects.select_for_update().get_or_create(team=team)
    if not setting.auto_assign:
        return None
    open_cases = (
        Case.objects.filter(assignee=OuterRef("user_id"), status__in=OPEN_STATUSES)
        .order_by()
        .values("assignee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    members = {
        m.user_id: m
        for m in TeamMembership.objects.filter(
            team=team, user__is_active=True, user__customer__isnull=True
        )
        .select_related("user")
        .annotate(open_cases=Coalesce(Subquery(open_cases), 0))
    }
    agents = [
        Agent(id=uid, available=m.is_available, open_cases=m.open_cases)
        for uid, m in members.items()
    ]
    chosen = choose_assignee(setting.strategy, agents, setting.last_assigned_id)
    if chosen is None:
        return None
    setting.last_assigned_id = int(chosen)
    setting.last_assigned_at = at
    setting.save(update_fields=["last_assigned", "last_assigned_at"])
    return members[int(chosen)].user


def _assign(case: Case, team: SupportTeam, at: datetime) -> bool:
    """Put the case in ``team``'s queue with the agent its strategy picks (on the object
    only); False when nothing changed."""
    same_team = case.team_id == team.pk
    if same_team and case.assignee_id is not None:
        return False
    assignee = _assignee_for(team, at)
    if same_team and assignee is None:
        return False
    case.team, case.assignee = team, assignee
    return True


def _routed_event(
    case: Case,
    team: SupportTeam,
    *,
    by: User | None,
    rule: RoutingRule | None,
    suggested: SupportTeam | None,
    at: datetime,
) -> None:
    override = suggested is not None and suggested.pk != team.pk
    CaseEvent.objects.create(
        case=case,
        at=at,
        actor=by,
        kind="routed",
        is_internal=True,
        data={
            "team": team.slug,
            "rule": rule.name if rule and not override else None,
            "suggested": suggested.slug if suggested else None,
            "override": override,
            "assignee": case.assignee.email if case.assignee else None,
        },
    )


def _route(
    case: Case,
    team: SupportTeam,
    *,
    by: User | None,
    rule: RoutingRule | None,
    suggested: SupportTeam | None,
    at: datetime,
) -> bool:
    """Put a saved case in ``team``'s queue and assign it; False when nothing changed."""
    if not _assign(case, team, at):
        return False
    Case.objects.filter(pk=case.pk).update(
        team=case.team, assignee=case.assignee, updated_at=timezone.now()
    )
    _routed_event(case, team, by=by, rule=rule, suggested=suggested, at=at)
    return True


# --- use cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeRouting:
    """What the routing rules chose for a case being opened."""

    team: SupportTeam
    rule: RoutingRule


def routing_for_intake(case: Case) -> IntakeRouting | None:
    """The rules' choice for a case not yet saved: a read, made before intake's
    transaction so that nothing waits on it while the case number is held."""
    found = routing_suggestion(case_facts(case))
    return IntakeRouting(*found) if found else None


def route_at_intake(case: Case, routing: IntakeRouting | None) -> IntakeRouting | None:
    """Route a case being opened: team and agent onto the unsaved case (inside
    intake's transaction, before the case number is taken). Returns the routing that took
    effect, for ``route_at_intake_record`` once the case is saved; None when no rule
    matched (the case waits, unrouted, in triage) or nothing changed."""
    if routing is None or not _assign(case, routing.team, case.created_at):
        return None
    return routing


def route_at_intake_record(case: Case, routed: IntakeRouting | None) -> None:
    """Record the ``routed`` event of a case routed at intake, now that it is saved."""
    if routed is None:
        return
    _routed_event(
        case, routed.team, by=None, rule=routed.rule, suggested=routed.team, at=case.created_at
    )


def case_route(
    *,
    case: Case,
    team: SupportTeam,
    by: User,
    override: bool = False,
    at: datetime | None = None,
) -> Case:
    """Route a case to ``team``. A team other than the one the rules choose needs
    ``override`` (recorded on the ``routed`` event)."""
    _check_triager(by)
    at = at or timezone.now()
    with transaction.atomic():
        locked = _locked(case)
        suggested, rule = routing_suggestion(case_facts(locked)) or (None, None)
        _check_override(locked, team, suggested, rule, override)
        _route(locked, team, by=by, rule=rule, suggested=suggested, at=at)
    return locked


def _check_override(
    case: Case,
    team: SupportTeam,
    suggested: SupportTeam | None,
    rule: RoutingRule | None,
    override: bool,
) -> None:
    if suggested is None or rule is None or suggested.pk == team.pk or override:
        return
    raise OverrideRequired(
        f"The routing rules send case {case.number} to {suggested.name} (rule “{rule.name}”). "
        f"To send it to {team.name} instead, choose to override the rules.",
        field="team",
        suggested=suggested.slug,
    )


def _text(value: str, field: str, limit: int, missing: str | None = None) -> str:
    value = " ".join(value.split()) if missing else value.strip()
    if missing and not value:
        raise InvalidInput(missing, field=field)
    if len(value) > limit:
        raise InvalidInput(f"{field} is longer than {limit} characters; shorten it.", field=field)
    return value


def _retarget(case: Case, severity: int) -> None:
    """Keep the clocks' history (start, pauses, stop) and give them the targets of the
    confirmed severity."""
    version = case.package_version
    if version is None:
        return
    spec = version.to_entitlements().sla_targets[severity]
    targets = {"first_response": spec.first_response, "resolution": spec.resolution}
    loaded = clocks.load(case)
    clocks.store(
        case,
        {
            kind: replace(clock, target=targets[kind], business_hours=spec.business_hours)
            for kind, clock in loaded.items()
        },
    )


def case_triage(
    *,
    case: Case,
    by: User,
    category: str,
    product_area: str,
    severity: int,
    notes: str = "",
    team: SupportTeam | None = None,
    override: bool = False,
    at: datetime | None = None,
) -> Case:
    """Document a case (category, product area, confirmed severity, reproduction notes)
    and route it: to ``team`` if given (``override`` when the rules say otherwise), else
    where the rules send it. A new case becomes triaged."""
    _check_triager(by)
    category = _text(category, "category", FIELD_LIMIT, "Give the case a category.")
    product_area = _text(
        product_area, "product_area", FIELD_LIMIT, "Say which product area is affected."
    )
    notes = _text(notes, "notes", NOTES_LIMIT)
    check_severity(severity)
    at = at or timezone.now()
    with transaction.atomic():
        locked = _locked(case)
        if locked.customer_id is None:
            raise Conflict(
                f"Case {locked.number} came from a sender not yet verified. Link it to the "
                "customer first (or verify its sender), so that its package and SLA clocks "
                "apply.",
                field="customer",
            )
        facts = case_facts(locked, category=category, product_area=product_area, severity=severity)
        suggested, rule = routing_suggestion(facts) or (None, None)
        chosen = team or suggested or locked.team
        if chosen is None:
            raise InvalidInput(
                "No routing rule matches this case. Choose the team it goes to.", field="team"
            )
        _check_override(locked, chosen, suggested, rule, override)
        before: dict[str, Any] = {
            "category": locked.category,
            "product_area": locked.product_area,
            "severity": locked.severity,
        }
        if severity != locked.severity:
            _retarget(locked, severity)
        locked.category, locked.product_area, locked.severity = category, product_area, severity
        locked.save()
        CaseEvent.objects.create(
            case=locked,
            at=at,
            actor=by,
            kind="triaged",
            is_internal=True,
            data={
                "category": category,
                "product_area": product_area,
                "severity": severity,
                "notes": notes,
                "before": before,
            },
        )
        _route(locked, chosen, by=by, rule=rule, suggested=suggested, at=at)
        if locked.status == CaseStatus.NEW:
            case_transition(case=locked, to=CaseStatus.TRIAGED, by=by, at=at)
    locked.refresh_from_db()
    return locked


def case_link_customer(
    *, case: Case, customer: Customer, by: User, at: datetime | None = None
) -> Case:
    """Link a public message from an unknown sender to its customer: the package's SLA
    clocks start from the intake time, and the routing rules apply if it is unrouted."""
    _check_triager(by)
    at = at or timezone.now()
    with transaction.atomic():
        locked = _locked(case)
        if locked.customer_id is not None:
            raise Conflict(
                f"Case {locked.number} already belongs to {locked.customer}; there is "
                "nothing to link.",
                field="customer",
            )
        email = locked.requester_email
        requester = (
            User.objects.filter(
                email=normalise_email(email), customer=customer, is_active=True
            ).first()
            if email
            else None
        )
        _verify(locked, customer, requester, by=by, at=at)
    return locked


def case_verify_sender(*, case: Case, by: User, at: datetime | None = None) -> Case:
    """A triage agent verifies that a public message came from the customer user whose
    address it gives (e.g. after calling them back): as if the sender had confirmed it."""
    _check_triager(by)
    at = at or timezone.now()
    with transaction.atomic():
        locked = _locked(case)
        if locked.is_verified:
            raise Conflict(f"Case {locked.number} is already verified.", field="case")
        requester = sender_match(locked.requester_email)
        if requester is None or requester.customer is None:
            raise Conflict(
                f"The address of case {locked.number} ({locked.requester_email}) belongs to "
                "no active customer user, so there is nobody to verify it as. Link the case "
                "to its customer instead.",
                field="case",
            )
        _verify(locked, requester.customer, requester, by=by, at=at, how="triage")
    return locked


def case_sender_confirm(*, token: str, at: datetime | None = None) -> Case:
    """The sender of a public message confirms the address with the mailed link: the case
    becomes the matched customer user's (customer, package priority, SLA clocks, routing).
    Refused, with what to do, for a damaged, expired or used link."""
    at = at or timezone.now()
    with transaction.atomic():
        found = confirmation_read(token, at=at)
        locked = Case.objects.select_for_update(of=("self",)).get(pk=found.pk)
        if locked.is_verified:  # read again under the lock: two clicks verify once
            raise ConfirmationLinkUsed(locked)
        if locked.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
            raise Conflict(
                f"Case {locked.number} is already {locked.status}, so there is nothing left "
                "to confirm. If you still need help, send a new message.",
            )
        requester = sender_match(locked.requester_email)
        if requester is None or requester.customer is None:
            raise Conflict(
                f"The address {locked.requester_email} no longer belongs to an active "
                f"customer account, so case {locked.number} cannot join a portal. Our team "
                "will answer it by e-mail.",
            )
        _verify(locked, requester.customer, requester, by=requester, at=at, how="confirmation link")
    return locked


def _verify(
    locked: Case,
    customer: Customer,
    requester: User | None,
    *,
    by: User,
    at: datetime,
    how: str | None = None,
) -> None:
    """Make a locked public message its customer's: verified, the requester set, the
    package's priority and SLA clocks (from the intake time), routed if it is not yet, and
    one case event: ``sender_verified`` (``how``: by the sender's confirmation link or by
    triage; customers see it) or, linked by triage, ``customer_linked`` (internal). A
    requester gets the usual confirmation mail, now with the portal link."""
    if not customer.is_active:
        raise InvalidInput(
            f"{customer.name} is not an active customer. Choose an active one.", field="customer"
        )
    day = customer_today(customer, locked.created_at)
    subscription = subscription_current(customer=customer, on=day)
    version = subscription.package_version if subscription else None
    if version is not None:
        ensure_feature(version.to_entitlements(), locked.channel)
    locked.customer, locked.is_verified = customer, True
    if requester is not None:
        locked.requester, locked.requester_email = requester, requester.email
        if locked.created_by_id is None:
            locked.created_by = requester
    locked.package_version = version
    locked.routing_priority = version.to_entitlements().routing_priority if version else 0
    clocks.clocks_start(locked, locked.created_at)
    locked.save()
    data: dict[str, Any] = {
        "customer": customer.slug,
        "package": version.package.slug if version else None,
        "requester": requester.email if requester else None,
    }
    if how is not None:
        data["how"] = how
    CaseEvent.objects.create(
        case=locked,
        at=at,
        actor=by,
        kind="customer_linked" if how is None else "sender_verified",
        is_internal=how is None,
        data=data,
    )
    if locked.team_id is None:
        found = routing_suggestion(case_facts(locked))
        if found is not None:
            _route(locked, found[0], by=by, rule=found[1], suggested=found[0], at=at)
    if requester is not None:
        notify_case_verified(locked)
