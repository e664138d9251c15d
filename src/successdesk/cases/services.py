"""Writes for cases: intake on every channel, lifecycle transitions, staff assignment.

Conversation (replies, notes, attachments, diagnostic requests) is in ``conversation.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from successdesk.accounts.active import customer_ensure_active
from successdesk.accounts.models import Customer, User
from successdesk.accounts.phone import phone_line_status
from successdesk.domain.errors import InvalidInput, PermissionDenied
from successdesk.domain.intake import PhoneLine, Source, check_intake, check_severity
from successdesk.domain.lifecycle import CaseStatus, ResolutionType, is_open, transition
from successdesk.packages.selectors import (
    customer_today,
    exclusions_detect,
    packages_including,
    subscription_current,
)

from . import clocks
from .attachments import check_uploads, uploads_store
from .models import Attachment, Case, CaseEvent
from .notify import case_recipients, notify_case_opened, notify_status_changed
from .numbers import case_number_next
from .remote_access import remote_access_end_with_case
from .senders import sender_match

LIMITS = {"subject": 200, "description": 20_000, "steps_to_reproduce": 20_000, "category": 60}


@dataclass(kw_only=True)
class CaseDraft:
    """What a requester tells us about a new case, on any channel."""

    subject: str
    description: str
    severity: int
    category: str = ""
    product_area: str = ""
    steps_to_reproduce: str = ""
    requester_name: str = ""
    requester_email: str = ""
    requester_phone: str = ""
    stated_customer_name: str = ""
    call_notes: str = ""
    attachments: list[UploadedFile[bytes]] = field(default_factory=list)


def phone_line(at: datetime) -> PhoneLine:
    status = phone_line_status(at)
    return PhoneLine(
        number=status.number,
        hours=status.hours,
        open_now=status.open_now,
        next_open=status.next_open,
    )


def _clean(draft: CaseDraft) -> None:
    draft.subject = " ".join(draft.subject.split())
    draft.description = draft.description.strip()
    if not draft.subject:
        raise InvalidInput(
            "Give the case a subject: one line saying what is wrong.", field="subject"
        )
    if not draft.description:
        raise InvalidInput(
            "Describe the problem: what you did, what happened, what you expected.",
            field="description",
        )
    for name, limit in LIMITS.items():
        if len(getattr(draft, name)) > limit:
            raise InvalidInput(f"{name} is longer than {limit} characters.", field=name)
    check_severity(draft.severity)


def case_open(
    *,
    source: Source,
    draft: CaseDraft,
    requester: User | None = None,
    customer: Customer | None = None,
    created_by: User | None = None,
    at: datetime | None = None,
) -> Case:
    """Open a case: validate, refuse what the channel or package does not allow, number it,
    start its SLA clocks and queue the confirmation — all or nothing.

    A case from the public form is unverified whoever its address names (anyone can type
    any address): no customer, requester or package priority until its sender confirms
    the address or triage verifies it (``successdesk.triage.services``). A customer user
    with that address is kept as ``sender_match``, a candidate only."""
    at = at or timezone.now()
    _clean(draft)
    uploads = check_uploads(draft.attachments)
    verified, candidate = True, None
    if source is Source.CONTACT_FORM:
        verified, requester, customer, created_by = False, None, None, None
        draft.requester_email = draft.requester_email.strip()
        candidate = sender_match(draft.requester_email)
    if requester is not None and requester.customer_id is not None:
        customer = requester.customer
        draft.requester_name = draft.requester_name or requester.get_full_name()
        draft.requester_email = requester.email
    if source is Source.PHONE and (created_by is None or not created_by.is_vendor_staff):
        raise PermissionDenied("Only vendor staff log telephone cases.")
    if customer is None and source is not Source.CONTACT_FORM:
        raise InvalidInput("Choose the customer this case is for.", field="customer")
    customer_ensure_active(customer)

    subscription = (
        subscription_current(customer=customer, on=customer_today(customer, at))
        if customer
        else None
    )
    version = subscription.package_version if subscription else None
    grants = version.grants() if version else None
    check_intake(
        source=source,
        severity=draft.severity,
        phone=lambda: phone_line(at),
        entitlements=grants,
        included_in=lambda: packages_including(source.channel.value),
    )
    matches = exclusions_detect(draft.subject, draft.description)

    case = Case(
        customer=customer,
        is_verified=verified,
        sender_match=candidate,
        requester=requester,
        requester_name=draft.requester_name[:200],
        requester_email=draft.requester_email[:254],
        requester_phone=draft.requester_phone[:40],
        stated_customer_name=draft.stated_customer_name[:200],
        subject=draft.subject,
        description=draft.description,
        steps_to_reproduce=draft.steps_to_reproduce.strip(),
        category=draft.category.strip(),
        product_area=draft.product_area.strip(),
        severity=draft.severity,
        channel=source.channel.value,
        source=source.value,
        package_version=version,
        routing_priority=grants.routing_priority if grants else 0,
        exclusions=[
            {"kind": m.kind.value, "evidence": m.evidence, "answer": m.answer} for m in matches
        ],
        created_by=created_by or requester,
        created_at=at,
    )
    clocks.clocks_start(case, at)
    from successdesk.triage.services import route_at_intake, routing_for_intake

    # Reads first: the case number's lock is held from its UPDATE to the commit, so what
    # runs after it is writes only (concurrent intakes wait on that lock).
    routing = routing_for_intake(case)
    recipients = case_recipients(case)
    stored = uploads_store(draft.attachments)
    with transaction.atomic():
        record_routing = route_at_intake(case, routing)  # the team's agent, on the object
        case.number = case_number_next()
        case.save()
        CaseEvent.objects.create(
            case=case,
            at=at,
            actor=created_by or requester,
            kind="opened",
            to_status=case.status,
            data={"channel": case.channel, "source": case.source, "verified": verified},
        )
        record_routing()
        if draft.call_notes.strip():
            from .conversation import comment_add

            comment_add(case=case, author=created_by, body=draft.call_notes, internal=True, at=at)
        for upload, path, (name, content_type) in zip(
            draft.attachments, stored, uploads, strict=True
        ):
            Attachment.objects.create(
                case=case,
                uploaded_by=requester or created_by,
                file=path,
                original_name=name,
                content_type=content_type,
                size=upload.size or 0,
            )
        notify_case_opened(case, recipients)
    return case


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
