"""Inbound e-mail: the mailboxes we take mail from, and every message as it arrived.

A message is stored raw first, before anything parses it, and only then acknowledged to
whoever handed it over (an MTA, an IMAP server, a provider's webhook). Processing it is a
task that can run again: the message's identity (its ``Message-ID``, or a digest of its
bytes when it has none) is unique, so a redelivery or a second poll stores nothing new.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Mailbox(models.Model):
    """Where mail comes from: an address we receive for, and how it reaches us."""

    class Kind(models.TextChoices):
        PIPE = "pipe", "MTA pipe or LMTP"
        IMAP = "imap", "IMAP mailbox (polled)"
        WEBHOOK = "webhook", "Provider webhook"

    class Auth(models.TextChoices):
        PASSWORD = "password", "Password"
        XOAUTH2 = "xoauth2", "OAuth2 (XOAUTH2)"

    name = models.CharField(max_length=100, unique=True)
    address = models.EmailField(
        max_length=254, help_text="The support address mail is sent to, e.g. support@vendor."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PIPE)
    is_active = models.BooleanField(default=True)
    # IMAP
    imap_host = models.CharField(max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(default=993)
    imap_ssl = models.BooleanField(default=True)
    imap_username = models.CharField(max_length=254, blank=True)
    imap_auth = models.CharField(max_length=10, choices=Auth.choices, default=Auth.PASSWORD)
    imap_secret = models.TextField(
        blank=True, help_text="Password or OAuth2 refresh token; never shown back."
    )
    imap_folder = models.CharField(max_length=200, default="INBOX")
    imap_done_folder = models.CharField(
        max_length=200, blank=True, help_text="Move taken mail here; empty: flag it as seen."
    )
    oauth_token_url = models.URLField(blank=True)
    oauth_client_id = models.CharField(max_length=255, blank=True)
    oauth_client_secret = models.TextField(blank=True)
    # Webhooks
    provider = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class InboundMessage(models.Model):
    """One message as it arrived, and what became of it."""

    class State(models.TextChoices):
        RECEIVED = "received", "Received, not yet processed"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored (loop, auto-reply or bounce)"
        FAILED = "failed", "Could not be processed"

    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(max_length=20, help_text="pipe, lmtp, imap or a provider name.")
    identity = models.CharField(
        max_length=255, unique=True, help_text="Message-ID, or sha256 of the raw bytes."
    )
    raw = models.BinaryField()
    size = models.PositiveIntegerField()
    envelope_from = models.CharField(max_length=254, blank=True)
    envelope_to = models.CharField(max_length=254, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECEIVED)
    attempts = models.PositiveIntegerField(default=0)
    reason = models.TextField(blank=True, help_text="Why it failed or was ignored.")
    processed_at = models.DateTimeField(null=True, blank=True)
    # What it became (set by processing).
    from_address = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=250, blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.ForeignKey(
        "cases.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(
                fields=["state", "received_at"],
                condition=~models.Q(state="processed"),
                name="inbound_unprocessed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.identity} ({self.state})"
