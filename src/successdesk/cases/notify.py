"""Case e-mails, written to the outbox in the caller's transaction."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from successdesk.domain.lifecycle import customer_visible_label
from successdesk.notifications.services import notification_queue

from .models import Case, Comment


def _link(case: Case) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portal:case", args=[case.number])


def case_link(case: Case) -> str:
    """The case's page in the customer portal, absolute (for e-mails)."""
    return _link(case)


def case_recipients(case: Case) -> list[str]:
    """The requester, and the customer's designated contacts who follow all cases."""
    recipients = [case.requester_email] if case.requester_email else []
    if case.customer_id is not None:
        from successdesk.notifications.selectors import designated_contacts_following

        recipients += designated_contacts_following(case.customer_id)
    return recipients


def _due_lines(case: Case) -> str:
    lines = []
    if case.first_response_due_at:
        lines.append(f"First response due: {case.first_response_due_at:%a %d %b %Y %H:%M %Z}")
    if case.resolution_due_at:
        lines.append(f"Resolution target: {case.resolution_due_at:%a %d %b %Y %H:%M %Z}")
    return "\n".join(lines)


def notify_case_opened(case: Case, recipients: list[str]) -> None:
    """The confirmation, to ``recipients`` (``case_recipients``, read before the intake's
    transaction)."""
    body = (
        f"Hello {case.requester_name or 'there'},\n\n"
        f"We received your case {case.number}: {case.subject}\n"
        f"Severity {case.severity}. {_due_lines(case)}\n\n"
        f"Follow it and reply here: {_link(case)}\n\n"
        f"Support is available in {', '.join(settings.VENDOR_LANGUAGES)}. For Severity 1 "
        f"issues, call {settings.VENDOR_SUPPORT_PHONE}.\n\n{settings.VENDOR_NAME} Support\n"
    )
    if not case.is_verified:
        body += (
            "\nWe could not match your e-mail address to a customer account yet; a triage "
            "agent will confirm it.\n"
        )
    notification_queue(
        to=recipients,
        subject=f"[{case.number}] We received your case: {case.subject}",
        body=body,
        kind="case.opened",
        key=f"case-opened:{case.pk}",
        customer_id=case.customer_id,
        thread=case.number,
        fresh=True,
    )


def notify_reply(case: Case, comment: Comment) -> None:
    """A public staff reply goes to the requester (and following designated contacts)."""
    notification_queue(
        to=case_recipients(case),
        subject=f"[{case.number}] New reply: {case.subject}",
        body=(
            f"{comment.author_name} replied on case {case.number}:\n\n{comment.body}\n\n"
            f"Reply or follow the case: {_link(case)}\n"
        ),
        kind="case.reply",
        key=f"comment:{comment.pk}",
        customer_id=case.customer_id,
        thread=case.number,
    )


def notify_staff_of_customer_reply(case: Case, comment: Comment) -> None:
    if case.assignee_id is None or case.assignee is None:
        return
    notification_queue(
        to=[case.assignee.email],
        subject=f"[{case.number}] The customer replied: {case.subject}",
        body=f"{comment.author_name} wrote:\n\n{comment.body}\n",
        kind="case.customer_reply",
        key=f"comment:{comment.pk}",
        customer_id=case.customer_id,
        thread=case.number,
    )


def notify_status_changed(case: Case, previous: str) -> None:
    if customer_visible_label(previous) == customer_visible_label(case.status):
        return
    extra = ""
    if case.status == "resolved":
        extra = f"\nResolution ({case.get_resolution_type_display()}): {case.resolution_summary}\n"
    notification_queue(
        to=case_recipients(case),
        subject=f"[{case.number}] {customer_visible_label(case.status)}: {case.subject}",
        body=(
            f"Case {case.number} is now: {customer_visible_label(case.status)}.\n{extra}\n"
            f"{_link(case)}\n"
        ),
        kind="case.status",
        key=f"case-status:{case.pk}:{case.status}:{case.updated_at.timestamp()}",
        customer_id=case.customer_id,
        thread=case.number,
    )
