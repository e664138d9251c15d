"""The outbox: every e-mail is a row written in the same transaction as the change."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils import timezone


def _mail_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "successdesk"


class Notification(models.Model):
    """One e-mail to one recipient. Delivered by the worker; retried until sent."""

    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=250)
    body = models.TextField()
    kind = models.CharField(max_length=60, db_index=True)
    dedupe_key = models.CharField(
        max_length=200, null=True, blank=True, unique=True, help_text="The same key: one mail."
    )
    customer_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    thread = models.CharField(
        max_length=40,
        blank=True,
        help_text="A case or request number: its e-mails thread together.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True),
                name="notification_unsent_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}"

    @property
    def message_id(self) -> str:
        """Stable per notification: a resend after a crash carries the same Message-ID. The
        time it was written and the site's host keep it unique across installations and
        database resets (mail systems drop a second message with a Message-ID they know)."""
        return f"<notification-{self.pk}.{self.created_at:%Y%m%d%H%M%S%f}@{_mail_domain()}>"

    @property
    def thread_id(self) -> str | None:
        """What every e-mail about one case or request refers to (``References``), so that
        mail programs show them as one conversation."""
        return f"<thread-{self.thread}@{_mail_domain()}>" if self.thread else None


class NotificationPreference(models.Model):
    """What a user chooses to hear about beyond their own cases."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="notification_preference"
    )
    all_customer_cases = models.BooleanField(
        default=False,
        help_text="Designated contacts: e-mail me about every case of my organisation.",
    )

    def __str__(self) -> str:
        return f"{self.user}: all cases={self.all_customer_cases}"
