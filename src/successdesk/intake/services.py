"""Opening a case, on every channel: one entry point per channel, each building one
normalised ``Intake``, and one creation path (``_open``) for all of them.

Intake sits above cases and triage: it composes the case records, the routing rules and
the conversation (call notes), so none of those needs to know about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from successdesk.accounts.active import customer_ensure_active
from successdesk.accounts.models import Customer, User
from successdesk.cases import clocks
from successdesk.cases.attachments import check_uploads, uploads_store
from successdesk.cases.conversation import comment_add
from successdesk.cases.models import Attachment, Case, CaseEvent
from successdesk.cases.notify import case_recipients, notify_case_opened
from successdesk.cases.numbers import case_number_next
from successdesk.cases.senders import sender_match
from successdesk.domain.errors import InvalidInput, PermissionDenied
from successdesk.domain.intake import Source, check_intake, check_severity
from successdesk.packages.selectors import (
    customer_today,
    exclusions_detect,
    packages_including,
    subscription_current,
)
from successdesk.triage.services import route_at_intake, route_at_intake_record, routing_for_intake

from .phone import phone_line

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


@dataclass(frozen=True, kw_only=True)
class Intake:
    """A case about to be opened, the same whatever the channel: what was said (a cleaned
    copy of the draft), who it is for, who opened it, and whether we know who sent it."""

    source: Source
    draft: CaseDraft
    customer: Customer | None
    requester: User | None
    created_by: User | None
    verified: bool
    uploads: list[tuple[str, str]]  # each attachment's checked (name, content type)
    sender_match: User | None = None


def _clean(draft: CaseDraft) -> tuple[CaseDraft, list[tuple[str, str]]]:
    """A copy of ``draft`` with its text normalised, and its checked attachments; refuses
    what is missing, too long or not accepted. The caller's draft is left as it was."""
    draft = replace(
        draft,
        subject=" ".join(draft.subject.split()),
        description=draft.description.strip(),
        attachments=list(draft.attachments),
    )
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
    return draft, check_uploads(draft.attachments)


def _signed_in(
    *,
    source: Source,
    draft: CaseDraft,
    requester: User | None,
    customer: Customer | None,
    created_by: User | None,
) -> Intake:
    """The intake of a case opened by a signed-in user: a customer user's case is for their
    own customer, under their own name and address."""
    draft, uploads = _clean(draft)
    if requester is not None and requester.customer_id is not None:
        customer = requester.customer
        draft = replace(
            draft,
            requester_name=draft.requester_name or requester.get_full_name(),
            requester_email=requester.email,
        )
    if source is Source.PHONE and (created_by is None or not created_by.is_vendor_staff):
        raise PermissionDenied("Only vendor staff log telephone cases.")
    if customer is None:
        raise InvalidInput("Choose the customer this case is for.", field="customer")
    return Intake(
        source=source,
        draft=draft,
        customer=customer,
        requester=requester,
        created_by=created_by or requester,
        verified=True,
        uploads=uploads,
    )


def case_open_portal(*, requester: User, draft: CaseDraft, at: datetime | None = None) -> Case:
    """A customer user opens a case in the portal, for their own customer."""
    intake = _signed_in(
        source=Source.PORTAL, draft=draft, requester=requester, customer=None, created_by=None
    )
    return _open(intake, at=at)


def case_open_contact_form(*, draft: CaseDraft, at: datetime | None = None) -> Case:
    """Someone sends the public "Send a Message" form. The case is unverified whoever its
    address names (anyone can type any address): no customer, requester or package priority
    until its sender confirms the address or triage verifies it
    (``successdesk.triage.services``). A customer user with that address is kept as
    ``sender_match``, a candidate only."""
    draft, uploads = _clean(draft)
    draft = replace(draft, requester_email=draft.requester_email.strip())
    intake = Intake(
        source=Source.CONTACT_FORM,
        draft=draft,
        customer=None,
        requester=None,
        created_by=None,
        verified=False,
        uploads=uploads,
        sender_match=sender_match(draft.requester_email),
    )
    return _open(intake, at=at)


def case_open_phone(
    *,
    customer: Customer | None,
    created_by: User | None,
    draft: CaseDraft,
    requester: User | None = None,
    at: datetime | None = None,
) -> Case:
    """Vendor staff log a telephone call as a case for ``customer`` (the caller, when they
    are a user of it, as ``requester``; the call notes become an internal note)."""
    intake = _signed_in(
        source=Source.PHONE,
        draft=draft,
        requester=requester,
        customer=customer,
        created_by=created_by,
    )
    return _open(intake, at=at)


def case_open_api(
    *,
    draft: CaseDraft,
    requester: User | None = None,
    customer: Customer | None = None,
    created_by: User | None = None,
    at: datetime | None = None,
) -> Case:
    """A case opened through the API: by a customer user for their own customer, or by
    vendor staff for the customer they name (``successdesk.intake.parties``)."""
    intake = _signed_in(
        source=Source.API,
        draft=draft,
        requester=requester,
        customer=customer,
        created_by=created_by,
    )
    return _open(intake, at=at)


def _open(intake: Intake, *, at: datetime | None) -> Case:
    """The one creation path: refuse what the channel or package does not allow, number
    the case, route it, start its SLA clocks and queue the confirmation — all or nothing."""
    at = at or timezone.now()
    draft, customer, source = intake.draft, intake.customer, intake.source
    customer_ensure_active(customer)

    subscription = (
        subscription_current(customer=customer, on=customer_today(customer, at))
        if customer
        else None
    )
    version = subscription.package_version if subscription else None
    grants = version.to_entitlements() if version else None
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
        is_verified=intake.verified,
        sender_match=intake.sender_match,
        requester=intake.requester,
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
        created_by=intake.created_by,
        created_at=at,
    )
    clocks.clocks_start(case, at)

    # Reads first: the case number's lock is held from its UPDATE to the commit, so what
    # runs after it is writes only (concurrent intakes wait on that lock).
    routing = routing_for_intake(case)
    recipients = case_recipients(case)
    stored = uploads_store(draft.attachments)
    with transaction.atomic():
        routed = route_at_intake(case, routing)  # the team and its agent, on the object
        case.number = case_number_next()
        case.save()
        CaseEvent.objects.create(
            case=case,
            at=at,
            actor=intake.created_by,
            kind="opened",
            to_status=case.status,
            data={"channel": case.channel, "source": case.source, "verified": intake.verified},
        )
        route_at_intake_record(case, routed)
        if draft.call_notes.strip():
            comment_add(
                case=case, author=intake.created_by, body=draft.call_notes, internal=True, at=at
            )
        for upload, path, (name, content_type) in zip(
            draft.attachments, stored, intake.uploads, strict=True
        ):
            Attachment.objects.create(
                case=case,
                uploaded_by=intake.requester or intake.created_by,
                file=path,
                original_name=name,
                content_type=content_type,
                size=upload.size or 0,
            )
        notify_case_opened(case, recipients)
    return case
