"""Deliver outbox rows: claim, send, mark sent; failures wait and are retried."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)
CLAIM_SECONDS = 120
MAX_BACKOFF = timedelta(hours=1)


def _claim(pk: int) -> bool:
    """Take the row for this worker for a while; False if sent or someone else has it."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=pk, sent_at__isnull=True, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1)
    )
    return claimed == 1


def deliver(pk: int) -> bool:
    """Send one notification if it is due and unclaimed. True when it was sent now."""
    if not _claim(pk):
        return False
    note = Notification.objects.get(pk=pk)
    message = EmailMessage(
        subject=note.subject,
        body=note.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[note.to],
        headers={"Message-ID": note.message_id, "Auto-Submitted": "auto-generated"},
    )
    try:
        message.send()
    except Exception as exc:
        backoff = min(timedelta(seconds=30 * 2 ** min(note.attempts, 10)), MAX_BACKOFF)
        Notification.objects.filter(pk=pk).update(
            claimed_until=None,
            next_attempt_at=timezone.now() + backoff,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        log.warning("Notification %s not delivered (attempt %s): %s", pk, note.attempts, exc)
        return False
    Notification.objects.filter(pk=pk).update(sent_at=timezone.now(), claimed_until=None)
    return True


def deliver_due(limit: int = 500) -> int:
    """Deliver every unsent notification whose time has come (the periodic sweep)."""
    now = timezone.now()
    due = (
        Notification.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(deliver(pk) for pk in list(due))
