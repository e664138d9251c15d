"""Case e-mails, written to the outbox in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.urls import reverse

from successdesk.accounts.models import User
from successdesk.contacts.selectors import designated_contacts_following
from successdesk.domain.lifecycle import customer_visible_label
from successdesk.notifications.models import Notification
from successdesk.notifications.services import notification_queue

from .models import Case, Comment
from .senders import notify_unverified_opened


def _link(case: Case) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portal:case", args=[case.number])


def case_link(case: Case) -> str:
    """The case's page in the customer portal, absolute (for e-mails)."""
    return _link(case)


def case_recipients(case: Case) -> list[str]:
    """The requester, and the customer's designated contacts who follow all cases."""
    recipients = [case.requester_email] if case.requester_email else []
    if case.customer_id is not None:
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
    transaction). An unverified public message gets its own mail, to its address alone."""
    if not case.is_verified:
        notify_unverified_opened(case)
        return
    body = (
        f"Hello {case.requester_name or 'there'},\n\n"
        f"We received your case {case.number}: {case.subject}\n"
        f"Severity {case.severity}. {_due_lines(case)}\n\n"
        f"Follow it and reply here: {_link(case)}\n\n"
        f"Support is available in {', '.join(settings.VENDOR_LANGUAGES)}. For Severity 1 "
        f"issues, call {settings.VENDOR_SUPPORT_PHONE}.\n\n{settings.VENDOR_NAME} Support\n"
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


def notify_case_verified(case: Case) -> None:
    """A public message just verified: the usual confirmation (due times, the portal
    link), now that the case is its requester's, to them and the following contacts."""
    notification_queue(
        to=case_recipients(case),
        subject=f"[{case.number}] Confirmed: {case.subject}",
        body=(
            f"Hello {case.requester_name or 'there'},\n\n"
            f"Case {case.number} is confirmed as sent from {case.requester_email} and is now "
            f"in your support portal: {case.subject}\n"
            f"Severity {case.severity}. {_due_lines(case)}\n\n"
            f"Follow it and reply here: {_link(case)}\n\n{settings.VENDOR_NAME} Support\n"
        ),
        kind="case.verified",
        key=f"case-verified:{case.pk}",
        customer_id=case.customer_id,
        thread=case.number,
    )


# --- Who is told of what ------------------------------------------------------------------
#
# One action on a case (a staff reply, a diagnostics request, a customer's reply, a status
# change, an exclusion answered and resolved) may take several steps, each with news for
# the customer side: a reply, then one or two status changes. The steps of one action share
# its actor and its instant (``at``), so the notices of one action are one e-mail per
# recipient: a later step's news is added to the e-mail the action already queued (its
# subject becomes the latest), instead of queueing another. And nobody is mailed about their
# own action: the actor is never among the recipients of its notices.


def _action_key(case: Case, actor: User | None, at: datetime) -> str:
    return f"case-action:{case.pk}:{actor.pk if actor else '-'}:{at.isoformat()}"


def _footer(case: Case) -> str:
    """Where to follow the case: the portal, or, for a case in no portal (an unverified
    public message), the e-mail conversation."""
    if case.is_verified and case.customer_id is not None:
        return f"\n\nReply or follow the case: {_link(case)}\n"
    return f"\n\nWe answer by e-mail; quote {case.number} if you write to us again.\n"


def _merge(body: str, news: str, footer: str, replaces: str) -> str:
    """Add ``news`` to an e-mail of the same action, before its footer; a status line
    (starting ``replaces``) takes the place of the action's earlier status line."""
    main = body[: -len(footer)] if body.endswith(footer) else body
    if replaces:
        kept = [part for part in main.split("\n\n") if not part.startswith(replaces)]
        main = "\n\n".join(kept)
    return f"{main}\n\n{news}{footer}"


def _tell(
    case: Case,
    *,
    actor: User | None,
    at: datetime,
    subject: str,
    news: str,
    kind: str,
    replaces: str = "",
) -> None:
    """Tell the case's customer-side recipients, except ``actor``, of ``news``: one e-mail
    per recipient and action (see above)."""
    mine = {actor.email.lower()} if actor is not None and actor.email else set()
    to = [a for a in dict.fromkeys(r.lower() for r in case_recipients(case)) if a not in mine]
    if not to:
        return
    key, footer = _action_key(case, actor, at), _footer(case)
    earlier = Notification.objects.filter(dedupe_key__in=[f"{key}:{a}" for a in to])
    queued, late = {}, []
    for note in earlier:
        if note.sent_at is None and note.claimed_until is None:
            queued[note.to] = note
        else:
            late.append(note.to)  # already on its way: the news goes in an e-mail of its own
    for note in queued.values():
        note.subject = subject[:250]
        note.body = _merge(note.body, news, footer, replaces)
        note.save(update_fields=["subject", "body"])
    for addresses, dedupe in (
        ([a for a in to if a not in queued and a not in late], key),
        (late, f"{key}:{kind}"),
    ):
        notification_queue(
            to=addresses,
            subject=subject,
            body=f"{news}{footer}",
            kind=kind,
            key=dedupe,
            customer_id=case.customer_id,
            thread=case.number,
        )


def notify_reply(case: Case, comment: Comment) -> None:
    """A public staff reply goes to the requester (and following designated contacts)."""
    _tell(
        case,
        actor=comment.author,
        at=comment.created_at,
        subject=f"[{case.number}] New reply: {case.subject}",
        news=f"{comment.author_name} replied on case {case.number}:\n\n{comment.body}",
        kind="case.reply",
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


def notify_status_changed(
    case: Case, previous: str, *, actor: User | None = None, at: datetime | None = None
) -> None:
    """A status change the customer sees (new and triaged both read Received), told as
    part of the action that made it (``actor`` at ``at``)."""
    if customer_visible_label(previous) == customer_visible_label(case.status):
        return
    label = customer_visible_label(case.status)
    line = f"Case {case.number} is now: {label}."
    if case.status == "resolved":
        line += f"\nResolution ({case.get_resolution_type_display()}): {case.resolution_summary}"
    _tell(
        case,
        actor=actor,
        at=at or case.updated_at,
        subject=f"[{case.number}] {label}: {case.subject}",
        news=line,
        kind="case.status",
        replaces=f"Case {case.number} is now: ",
    )
