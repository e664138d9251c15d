"""Remote-access consent, case by case: staff ask, the customer approves or denies, an
approved grant expires by itself, can be revoked, and ends when its case is resolved or
closed. Every step is audited and shown on the case (a CaseEvent). Access is only ever
answered for (this case, this grant), and only while the case is open. The states and
what may happen to each are the pure table in ``successdesk.domain.remote_access``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from successdesk.accounts.audit import audit_record
from successdesk.accounts.models import User
from successdesk.contacts.selectors import is_designated_contact
from successdesk.domain.entitlements import has_feature
from successdesk.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from successdesk.domain.labels import duration_words
from successdesk.domain.lifecycle import is_open
from successdesk.domain.remote_access import (
    LABELS,
    GrantAction,
    GrantPhase,
    GrantState,
    Offer,
    ends_with_case,
    grant_phase,
    grant_step,
    request_offer,
)
from successdesk.notifications.services import notification_queue
from successdesk.packages.selectors import (
    customer_today,
    packages_including,
    subscription_current,
)

from .models import Case, CaseEvent, RemoteAccessGrant
from .notify import case_link

FEATURE = "remote_access_support"
MIN_DURATION = timedelta(minutes=15)
MAX_DURATION = timedelta(hours=72)
MAX_TEXT = 2_000


def may_decide(user: User, case: Case) -> bool:
    """The case's requester or one of its customer's designated contacts."""
    if user.customer_id is None or user.customer_id != case.customer_id:
        return False
    if case.requester_id == user.pk:
        return True
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
    refusal = remote_access_offer(case=case, at=at).refusal
    if refusal is not None:
        raise refusal
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
    with transaction.atomic():
        # Under the case's lock, as a resolution takes it: a request never lands on a case
        # resolved meanwhile (its grants would not be ended).
        status = Case.objects.select_for_update().values_list("status", flat=True).get(pk=case.pk)
        if not is_open(status):
            case.status = status
            raise Conflict(remote_access_offer(case=case, at=at).reason, field="case")
        grant = RemoteAccessGrant.objects.create(
            case=case,
            requested_by=by,
            requested_at=at,
            target=target,
            reason=reason,
            duration=duration,
        )
        _record(grant, kind="requested", actor=by, at=at, duration=str(duration), reason=reason)
        notification_queue(
            to=[case.requester_email] if case.requester_email else [],
            subject=f"[{case.number}] We ask for remote access: please approve or deny",
            body=(
                f"{by.get_full_name()} asks for access to {grant.get_target_display().lower()} "
                f"for {duration_words(duration)} to work on case {case.number}.\n\n"
                f"Why: {reason}\n\n"
                f"Nothing is accessed until you approve. Approve or deny: {case_link(case)}\n"
            ),
            kind="case.remote_access",
            key=f"remote-access:{grant.pk}",
            customer_id=case.customer_id,
            thread=case.number,
        )
    return grant


def remote_access_offer(*, case: Case, at: datetime | None = None) -> Offer:
    """Whether staff may ask for access on ``case`` now (an open case of a customer whose
    package includes remote-access support); if not, the refusal in words for staff."""
    at = at or timezone.now()
    customer = case.customer
    if customer is None or not is_open(case.status):
        return request_offer(
            case_open=is_open(case.status),
            customer_name=customer.name if customer else None,
            package_name=None,
            included=False,
        )
    subscription = subscription_current(customer=customer, on=customer_today(customer, at))
    version = subscription.package_version if subscription else None
    included = version is not None and has_feature(version.to_entitlements(), FEATURE)
    return request_offer(
        case_open=True,
        customer_name=customer.name,
        package_name=version.package.name if version else None,
        included=included,
        included_in=() if included else packages_including(FEATURE),
    )


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
    action = GrantAction.APPROVE if approve else GrantAction.DENY
    with transaction.atomic():
        # The case first, as a resolution does (it ends the case's grants under this lock).
        status = Case.objects.select_for_update().values_list("status", flat=True).get(pk=case.pk)
        grant = _locked(case, grant_id)
        grant.state = grant_step(grant.state, action, expires_at=grant.expires_at, at=at)
        if approve and not is_open(status):
            raise Conflict(
                f"Case {case.number} is resolved or closed, so remote access cannot be "
                "approved on it. If access is still needed, reply to reopen the case and "
                "staff will ask again.",
                field="grant",
            )
        if approve:
            grant.expires_at = at + grant.duration
            grant.access_details = access_details
        grant.decided_by, grant.decided_at = by, at
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
        pending = grant_phase(grant.state, grant.expires_at, at) is GrantPhase.PENDING
        action = GrantAction.WITHDRAW if pending and by.is_vendor_staff else GrantAction.REVOKE
        grant.state = grant_step(grant.state, action, expires_at=grant.expires_at, at=at)
        grant.ended_by, grant.ended_at = by, at
        grant.save()
        _record(grant, kind=str(grant.state), actor=by, at=at)
    return grant


def remote_access_end_with_case(*, case: Case, by: User | None, at: datetime) -> int:
    """End every pending or active grant of ``case``, which is being resolved or closed
    (called inside that transition's transaction): recorded as "ended" on the case and in
    the audit log, with who resolved or closed it. Returns how many ended."""
    grants = RemoteAccessGrant.objects.select_for_update(of=("self",)).filter(
        case=case, state__in=[GrantState.PENDING, GrantState.APPROVED]
    )
    ended = 0
    for grant in grants:
        if not ends_with_case(grant.state, grant.expires_at, at):
            continue  # an approval already past its end: it expired by itself
        grant.case = case
        was = grant_phase(grant.state, grant.expires_at, at)
        grant.state = grant_step(
            grant.state, GrantAction.CASE_ENDED, expires_at=grant.expires_at, at=at
        )
        grant.ended_by, grant.ended_at = by, at
        grant.save(update_fields=["state", "ended_by", "ended_at"])
        _record(grant, kind="ended", actor=by, at=at, was=was.value, case_status=case.status)
        ended += 1
    return ended


def remote_access_record_expiries(*, case: Case | None = None, at: datetime | None = None) -> int:
    """Write the "expired" event of every approved grant past its end (idempotent).
    Access never depends on this: it is decided by ``expires_at``."""
    at = at or timezone.now()
    due = RemoteAccessGrant.objects.filter(
        state=GrantState.APPROVED, expires_at__lte=at, expiry_recorded=False
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
    phase: GrantPhase
    access_details: str  # empty unless active

    @property
    def label(self) -> str:
        return LABELS[self.phase]

    @property
    def active(self) -> bool:
        return self.phase is GrantPhase.ACTIVE

    @property
    def pending(self) -> bool:
        return self.phase is GrantPhase.PENDING


def _view(grant: RemoteAccessGrant, at: datetime, *, case_open: bool) -> GrantView:
    phase = grant_phase(grant.state, grant.expires_at, at)
    if not case_open and phase in (GrantPhase.PENDING, GrantPhase.ACTIVE):
        phase = GrantPhase.ENDED  # no grant is usable on a resolved or closed case
    details = grant.access_details if phase is GrantPhase.ACTIVE else ""
    return GrantView(grant, phase, details)


def remote_access_of(case: Case, *, at: datetime | None = None) -> list[GrantView]:
    """The case's requests, newest first, with access details only on an active grant."""
    at = at or timezone.now()
    grants = case.remote_access.select_related("requested_by", "decided_by", "ended_by")
    return [_view(g, at, case_open=is_open(case.status)) for g in grants]


def remote_access_active(*, case: Case, grant_id: int, at: datetime | None = None) -> GrantView:
    """The grant if it belongs to ``case``, the case is open and the grant is active now;
    else NotFound. A grant of another case is never an answer for this one."""
    at = at or timezone.now()
    grant = RemoteAccessGrant.objects.filter(pk=grant_id, case=case).select_related("case").first()
    view = _view(grant, at, case_open=is_open(grant.case.status)) if grant is not None else None
    if view is None or not view.active:
        raise NotFound(
            "No active remote-access grant on this case: ask the customer for access first."
        )
    return view
