"""Remote-access consent, case by case: staff ask, the customer approves or denies, an
approved grant expires by itself and can be revoked. Every step is audited and shown on
the case (a CaseEvent). Access is only ever answered for (this case, this grant)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from successdesk.accounts.audit import audit_record
from successdesk.accounts.models import User
from successdesk.domain.entitlements import NotEntitled, has_feature
from successdesk.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from successdesk.packages.selectors import (
    customer_today,
    packages_including,
    subscription_required,
)

from .models import Case, CaseEvent, RemoteAccessGrant

FEATURE = "remote_access_support"
MIN_DURATION = timedelta(minutes=15)
MAX_DURATION = timedelta(hours=72)
MAX_TEXT = 2_000
State = RemoteAccessGrant.State


def may_decide(user: User, case: Case) -> bool:
    """The case's requester or one of its customer's designated contacts."""
    if user.customer_id is None or user.customer_id != case.customer_id:
        return False
    if case.requester_id == user.pk:
        return True
    from successdesk.accounts.selectors import is_designated_contact

    return is_designated_contact(user)


def _record(
    grant: RemoteAccessGrant, *, kind: str, actor: User | None, at: datetime, **data: object
) -> None:
    CaseEvent.objects.create(
        case=grant.case,
        at=at,
        actor=actor,
        kind=f"remote_access_{kind}",
        data={"grant": grant.pk, "target": grant.target, **data},
    )
    audit_record(
        action=f"remote_access.{kind}",
        actor=actor,
        customer=grant.case.customer,
        target=f"{grant.case.number} grant {grant.pk}",
        grant=grant.pk,
        target_kind=grant.target,
        data={k: str(v) for k, v in data.items()},
    )


def remote_access_request(
    *,
    case: Case,
    by: User,
    target: str,
    reason: str,
    duration: timedelta,
    at: datetime | None = None,
) -> RemoteAccessGrant:
    """Staff ask for access on ``case``: what (target), why (reason), for how long."""
    at = at or timezone.now()
    if not by.is_vendor_staff:
        raise PermissionDenied("Only vendor staff ask for remote access.")
    if case.customer is None:
        raise Conflict("Match this case to a customer before asking for remote access.")
    if target not in RemoteAccessGrant.Target.values:
        raise InvalidInput("Say what to access: application, desktop or both.", field="target")
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_TEXT:
        raise InvalidInput(
            f"Say why access is needed (up to {MAX_TEXT} characters): the customer reads it.",
            field="reason",
        )
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise InvalidInput(
            "Ask for access for 15 minutes to 72 hours; ask again if you need longer.",
            field="duration",
        )
    customer = case.customer
    subscription = subscription_required(customer=customer, on=customer_today(customer, at))
    if not has_feature(subscription.package_version.grants(), FEATURE):
        raise NotEntitled(FEATURE, packages_including(FEATURE))
    with transaction.atomic():
        grant = RemoteAccessGrant.objects.create(
            case=case,
            requested_by=by,
            requested_at=at,
            target=target,
            reason=reason,
            duration=duration,
        )
        _record(grant, kind="requested", actor=by, at=at, duration=str(duration), reason=reason)
        from successdesk.notifications.services import notification_queue

        from .notify import _link

        notification_queue(
            to=[case.requester_email] if case.requester_email else [],
            subject=f"[{case.number}] We ask for remote access: please approve or deny",
            body=(
                f"{by.get_full_name()} asks for access to {grant.get_target_display().lower()} "
                f"for {duration} to work on case {case.number}.\n\nWhy: {reason}\n\n"
                f"Nothing is accessed until you approve. Approve or deny: {_link(case)}\n"
            ),
            kind="case.remote_access",
            key=f"remote-access:{grant.pk}",
            customer_id=case.customer_id,
            thread=case.number,
        )
    return grant


def _locked(case: Case, grant_id: int) -> RemoteAccessGrant:
    grant = (
        RemoteAccessGrant.objects.select_for_update(of=("self",))
        .select_related("case__customer")
        .filter(pk=grant_id, case=case)
        .first()
    )
    if grant is None:
        raise NotFound("No such remote-access request on this case.")
    return grant


def remote_access_decide(
    *,
    case: Case,
    grant_id: int,
    by: User,
    approve: bool,
    access_details: str = "",
    at: datetime | None = None,
) -> RemoteAccessGrant:
    """The requester or a designated contact approves (optionally saying how to connect)
    or denies a pending request; an approval runs from now for the asked duration."""
    at = at or timezone.now()
    if not may_decide(by, case):
        raise PermissionDenied(
            "Only the person who opened the case or a designated contact of your "
            "organisation can approve or deny remote access. Ask one of them."
        )
    access_details = (access_details or "").strip()[:MAX_TEXT]
    with transaction.atomic():
        grant = _locked(case, grant_id)
        if grant.state != State.PENDING:
            raise Conflict(
                f"This request is already {grant.get_state_display().lower()}; nothing to decide.",
                field="grant",
            )
        grant.decided_by, grant.decided_at = by, at
        if approve:
            grant.state = State.APPROVED
            grant.expires_at = at + grant.duration
            grant.access_details = access_details
        else:
            grant.state = State.DENIED
        grant.save()
        kind = "approved" if approve else "denied"
        extra = {"expires_at": grant.expires_at.isoformat()} if grant.expires_at else {}
        _record(grant, kind=kind, actor=by, at=at, **extra)
    return grant


def remote_access_revoke(
    *, case: Case, grant_id: int, by: User, at: datetime | None = None
) -> RemoteAccessGrant:
    """End a grant early (customer: requester or designated contact; or staff). Staff
    revoking a pending request withdraw it."""
    at = at or timezone.now()
    if not (by.is_vendor_staff or may_decide(by, case)):
        raise PermissionDenied("Only the requester, a designated contact or staff can revoke.")
    with transaction.atomic():
        grant = _locked(case, grant_id)
        if grant.state == State.PENDING and by.is_vendor_staff:
            grant.state = State.WITHDRAWN
        elif grant.state == State.APPROVED and grant.expires_at and grant.expires_at > at:
            grant.state = State.REVOKED
        else:
            raise Conflict("This grant is not active: there is nothing to revoke.", field="grant")
        grant.ended_by, grant.ended_at = by, at
        grant.save()
        _record(grant, kind=str(grant.state), actor=by, at=at)
    return grant


def remote_access_record_expiries(*, case: Case | None = None, at: datetime | None = None) -> int:
    """Write the "expired" event of every approved grant past its end (idempotent).
    Access never depends on this: it is decided by ``expires_at``."""
    at = at or timezone.now()
    due = RemoteAccessGrant.objects.filter(
        state=State.APPROVED, expires_at__lte=at, expiry_recorded=False
    ).select_related("case__customer")
    if case is not None:
        due = due.filter(case=case)
    done = 0
    for grant in due:
        with transaction.atomic():
            if RemoteAccessGrant.objects.filter(pk=grant.pk, expiry_recorded=False).update(
                expiry_recorded=True
            ):
                assert grant.expires_at is not None
                _record(grant, kind="expired", actor=None, at=grant.expires_at)
                done += 1
    return done


# --- Reads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrantView:
    grant: RemoteAccessGrant
    label: str
    active: bool
    access_details: str  # empty unless active


def _view(grant: RemoteAccessGrant, at: datetime) -> GrantView:
    active = (
        grant.state == State.APPROVED and grant.expires_at is not None and grant.expires_at > at
    )
    label = grant.get_state_display()
    if grant.state == State.APPROVED and not active:
        label = "Expired"
    elif active:
        label = "Active"
    return GrantView(grant, label, active, grant.access_details if active else "")


def remote_access_of(case: Case, *, at: datetime | None = None) -> list[GrantView]:
    """The case's requests, newest first, with access details only on an active grant."""
    at = at or timezone.now()
    grants = case.remote_access.select_related("requested_by", "decided_by", "ended_by")
    return [_view(g, at) for g in grants]


def remote_access_active(*, case: Case, grant_id: int, at: datetime | None = None) -> GrantView:
    """The grant if it belongs to ``case`` and is active now; else NotFound. A grant of
    another case is never an answer for this one."""
    at = at or timezone.now()
    grant = RemoteAccessGrant.objects.filter(pk=grant_id, case=case).first()
    view = _view(grant, at) if grant is not None else None
    if view is None or not view.active:
        raise NotFound(
            "No active remote-access grant on this case: ask the customer for access first."
        )
    return view
