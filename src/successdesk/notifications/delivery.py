"""Deliver outbox rows: claim, send, mark sent; failures wait and are retried.

A row is claimed (for NOTIFICATION_CLAIM_SECONDS) before it is sent, so two workers never
send it at the same time. It is marked sent right after the SMTP server accepts it, while
the connection is still open, which keeps the window in which a crash could lead to a
second delivery as small as one UPDATE; a resend after such a crash carries the same
Message-ID, by which mail systems recognise it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db.models import F, Q
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)


def _claim(pk: int) -> bool:
    """Take the row for this worker for a while; False if sent or someone else has it."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=pk, sent_at__isnull=True, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(
            claimed_until=now + timedelta(seconds=settings.NOTIFICATION_CLAIM_SECONDS),
            attempts=F("attempts") + 1,
        )
    )
    return claimed == 1


def _message(note: Notification) -> EmailMessage:
    headers = {"Message-ID": note.message_id, "Auto-Submitted": "auto-generated"}
    if note.thread_id:
        headers |= {"References": note.thread_id, "In-Reply-To": note.thread_id}
    return EmailMessage(
        subject=note.subject,
        body=note.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[note.to],
        headers=headers,
    )


def _failed(note: Notification, exc: Exception) -> None:
    backoff = min(timedelta(seconds=30 * 2 ** min(note.attempts, 10)), MAX_BACKOFF)
    Notification.objects.filter(pk=note.pk).update(
        claimed_until=None,
        next_attempt_at=timezone.now() + backoff,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
    )
    log.warning("Notification %s not delivered (attempt %s): %s", note.pk, note.attempts, exc)


def deliver_many(pks: Iterable[int]) -> int:
    """Send the due, unclaimed notifications among ``pks`` over one connection; returns
    how many were sent now.

    Each row is claimed just before it is sent (not all at the start), so a long batch never
    outlives its claims and no other worker can take a row this one is about to send.
    """
    mailer = None
    sent = 0
    try:
        for pk in pks:
            if not _claim(pk):
                continue
            note = Notification.objects.get(pk=pk)
            if mailer is None:
                mailer = mailers.default
                try:
                    mailer.open()
                except Exception as exc:  # the server is down: retry later
                    _failed(note, exc)
                    mailer = None
                    return sent
            try:
                mailer.send_messages([_message(note)])
            except Exception as exc:  # any transport failure is retried
                _failed(note, exc)
                continue
            Notification.objects.filter(pk=pk, sent_at__isnull=True).update(
                sent_at=timezone.now(), claimed_until=None
            )
            sent += 1
    finally:
        if mailer is not None:
            try:
                mailer.close()
            except Exception:  # closing a broken connection may fail too
                log.debug("closing the mail connection failed", exc_info=True)
    return sent


def deliver(pk: int) -> bool:
    """Send one notification if it is due and unclaimed. True when it was sent now."""
    return deliver_many([pk]) == 1


def deliver_due(limit: int = 500) -> int:
    """Deliver every unsent notification whose time has come (the periodic sweep)."""
    now = timezone.now()
    due = (
        Notification.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return deliver_many(list(due))
