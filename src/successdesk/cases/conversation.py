"""Replies, internal notes, attachments and diagnostic requests on a case."""

from __future__ import annotations

from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from successdesk.accounts.models import User
from successdesk.domain.errors import Conflict, InvalidInput, PermissionDenied
from successdesk.domain.lifecycle import CaseStatus

from . import clocks
from .attachments import check_uploads
from .lifecycle import case_transition
from .models import Attachment, Case, CaseEvent, Comment, DiagnosticRequest
from .notify import notify_reply, notify_staff_of_customer_reply

MAX_BODY = 20_000


def _body(text: str, field: str = "body") -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput("Write something first: the message is empty.", field=field)
    if len(text) > MAX_BODY:
        raise InvalidInput(f"The message is longer than {MAX_BODY} characters.", field=field)
    return text


def comment_add(
    *,
    case: Case,
    author: User | None,
    body: str,
    internal: bool = False,
    attachments: list[UploadedFile[bytes]] | None = None,
    at: datetime | None = None,
) -> Comment:
    """Add a reply or an internal note.

    A staff member's first public reply stops the first-response clock. A customer's reply
    to a case waiting on them resumes it (and answers an open diagnostic request); to a
    resolved case it reopens it within the reopen window.
    """
    at = at or timezone.now()
    text = _body(body)
    uploads = attachments or []
    checked = check_uploads(uploads)
    by_staff = author is not None and author.is_vendor_staff
    if internal and not by_staff:
        raise PermissionDenied("Only vendor staff write internal notes.")
    with transaction.atomic():
        case.refresh_from_db()
        if case.status == CaseStatus.CLOSED:
            raise Conflict(
                f"Case {case.number} is closed. Open a new case and mention {case.number} in it.",
                field="body",
            )
        comment = Comment.objects.create(
            case=case,
            author=author,
            author_name=author.get_full_name() if author else case.requester_name,
            body=text,
            is_internal=internal,
            by_staff=by_staff,
            created_at=at,
        )
        for upload, (name, content_type) in zip(uploads, checked, strict=True):
            Attachment.objects.create(
                case=case,
                comment=comment,
                uploaded_by=author,
                file=upload,
                original_name=name,
                content_type=content_type,
                size=upload.size or 0,
                is_internal=internal,
            )
        if internal:
            return comment
        if by_staff:
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if locked.first_responded_at is None:
                clocks.stop_first_response(locked, at)
                locked.first_responded_at = at
                locked.save(
                    update_fields=[*clocks.STORED_FIELDS, "first_responded_at", "updated_at"]
                )
                CaseEvent.objects.create(case=case, at=at, actor=author, kind="first_response")
            notify_reply(locked, comment)
        else:
            if case.status == CaseStatus.AWAITING_CUSTOMER:
                case_transition(case=case, to=CaseStatus.IN_PROGRESS, by=author, at=at)
                DiagnosticRequest.objects.filter(case=case, answered_at__isnull=True).update(
                    answered_at=at, answer=comment
                )
            elif case.status == CaseStatus.RESOLVED:
                case_transition(case=case, to=CaseStatus.IN_PROGRESS, by=author, at=at)
            notify_staff_of_customer_reply(case, comment)
    case.refresh_from_db()
    return comment


def diagnostics_request(
    *,
    case: Case,
    by: User,
    summary: str,
    steps: list[str],
    information: list[str] | None = None,
    at: datetime | None = None,
) -> DiagnosticRequest:
    """Ask the customer to reproduce or diagnose: the case waits on them and its
    resolution clock pauses until they reply."""
    at = at or timezone.now()
    if not by.is_vendor_staff:
        raise PermissionDenied("Only vendor staff ask for diagnostics.")
    summary = _body(summary, "summary")[:200]
    steps = [s.strip() for s in steps if s and s.strip()]
    information = [i.strip() for i in (information or []) if i and i.strip()]
    if not steps:
        raise InvalidInput("List at least one step for the customer to carry out.", field="steps")
    with transaction.atomic():
        request = DiagnosticRequest.objects.create(
            case=case,
            requested_by=by,
            requested_at=at,
            summary=summary,
            steps=steps,
            information=information,
        )
        lines = [f"We need your help to reproduce this: {summary}", "", "Please:"]
        lines += [f"{n}. {step}" for n, step in enumerate(steps, 1)]
        if information:
            lines += ["", "And send us:"] + [f"- {item}" for item in information]
        lines += ["", "Reply on this case when done; the case waits for your reply."]
        comment_add(case=case, author=by, body="\n".join(lines), at=at)
        if case.status in (CaseStatus.NEW, CaseStatus.TRIAGED):
            case_transition(case=case, to=CaseStatus.IN_PROGRESS, by=by, at=at)
            case.refresh_from_db()
        if case.status != CaseStatus.AWAITING_CUSTOMER:
            case_transition(case=case, to=CaseStatus.AWAITING_CUSTOMER, by=by, at=at)
    case.refresh_from_db()
    return request
