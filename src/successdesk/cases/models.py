"""Cases, their conversation, attachments, events, diagnostic requests and numbers."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from successdesk.accounts.models import Customer, SupportTeam, User
from successdesk.domain.intake import SEVERITIES, Channel, Source
from successdesk.domain.lifecycle import OPEN, TEAM_QUEUE, CaseStatus, ResolutionType
from successdesk.packages.models import PackageVersion

from .keyset import Ordering, SortKey, instant, integer


class CaseSequence(models.Model):
    """The counter behind case numbers: one row, incremented under a row lock."""

    name = models.CharField(max_length=20, unique=True)
    last_value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_value}"


# The open statuses as stored: the selectors' filters and the partial indexes' conditions.
OPEN_STATUSES = [status.value for status in OPEN]
TEAM_QUEUE_STATUSES = [status.value for status in TEAM_QUEUE]
# The queue order of every triage queue (successdesk.domain.routing.queue_key says the
# same): routing priority desc, severity, resolution due time (none last), created, id.
# The SQL ordering, the queue indexes and the keyset condition all derive from it.
QUEUE_ORDERING = Ordering(
    SortKey("routing_priority", integer, descending=True),
    SortKey("severity", integer),
    SortKey("resolution_due_at", instant, nulls_last=True),
    SortKey("created_at", instant),
    SortKey("id", integer),
)
QUEUE_INDEX_ORDER = QUEUE_ORDERING.index_fields()


class Case(models.Model):
    number = models.CharField(max_length=20, unique=True)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    is_verified = models.BooleanField(
        default=True,
        help_text="False: a public message whose sender has not proved the address (the "
        "confirmation link) nor been verified by triage. Customers never see it.",
    )
    sender_match = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A public message: the customer user its address matched at intake. A "
        "candidate only: it becomes the requester when the case is verified.",
    )
    requester = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="requested_cases"
    )
    requester_name = models.CharField(max_length=200, blank=True)
    requester_email = models.EmailField(max_length=254, blank=True)
    requester_phone = models.CharField(max_length=40, blank=True)
    stated_customer_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=200)
    description = models.TextField()
    steps_to_reproduce = models.TextField(blank=True)
    category = models.CharField(max_length=60, blank=True)
    product_area = models.CharField(max_length=60, blank=True)
    severity = models.PositiveSmallIntegerField(choices=list(SEVERITIES.items()))
    channel = models.CharField(max_length=10, choices=[(c.value, c.label) for c in Channel])
    source = models.CharField(max_length=20, choices=[(s.value, s.value) for s in Source])
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.label) for s in CaseStatus],
        default=CaseStatus.NEW.value,
    )
    resolution_type = models.CharField(
        max_length=20, blank=True, choices=[(r.value, r.label) for r in ResolutionType]
    )
    resolution_summary = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    team = models.ForeignKey(
        SupportTeam, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    assignee = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_cases"
    )
    package_version = models.ForeignKey(
        PackageVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    routing_priority = models.SmallIntegerField(default=0)
    sla_clocks = models.JSONField(default=dict, blank=True)
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    # When a running clock reaches its at-risk share (None once stopped): the SLA sweep's index.
    first_response_at_risk_at = models.DateTimeField(null=True, blank=True)
    resolution_at_risk_at = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    exclusions = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="case_customer_recent"),
            models.Index(fields=["requester", "-created_at"], name="case_requester_recent"),
            models.Index(
                fields=["status", "-routing_priority", "severity", "resolution_due_at", "id"],
                name="case_queue_order",
            ),
            models.Index(
                fields=["team", "status", "-routing_priority", "severity", "resolution_due_at"],
                name="case_team_queue_order",
            ),
            models.Index(fields=["first_response_at_risk_at"], name="case_first_response_risk"),
            models.Index(fields=["resolution_at_risk_at"], name="case_resolution_risk"),
            models.Index(fields=["created_at"], name="case_created"),
            # The team queues and "my cases" (successdesk.triage.selectors) in queue order,
            # over open cases only: a first page reads its rows straight from the index,
            # whatever the number of cases (docs/performance.md). The selectors filter on
            # the same status lists (the planner uses a partial index only for a query with
            # the same statuses).
            models.Index(
                fields=["team", *QUEUE_INDEX_ORDER],
                condition=models.Q(status__in=TEAM_QUEUE_STATUSES),
                name="case_team_queue_open",
            ),
            # The teams overview counts each team's queue, and the unassigned part of it,
            # from this index alone.
            models.Index(
                fields=["team", "assignee"],
                condition=models.Q(status__in=TEAM_QUEUE_STATUSES),
                name="case_team_open_assignee",
            ),
            models.Index(
                fields=["assignee", *QUEUE_INDEX_ORDER],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="case_assignee_queue_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def status_enum(self) -> CaseStatus:
        return CaseStatus(self.status)


class CaseEvent(models.Model):
    """What happened to a case, who did it and when: transitions, routing, SLA events."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    is_internal = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class Comment(models.Model):
    """A public reply or an internal note (never shown to the customer)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    author_name = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    is_internal = models.BooleanField(default=False)
    by_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"])]

    def __str__(self) -> str:
        return f"{self.case_id}: {'note' if self.is_internal else 'reply'} by {self.author_name}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        # The orphan-uploads sweep asks which stored names are referenced.
        indexes = [models.Index(fields=["file"], name="attachment_file")]

    def __str__(self) -> str:
        return self.original_name


class DiagnosticRequest(models.Model):
    """Staff ask the customer for reproduction or diagnostic steps; the case waits."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="diagnostic_requests")
    requested_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    summary = models.CharField(max_length=200)
    steps = models.JSONField(default=list, help_text="What to run or try, one step per item.")
    information = models.JSONField(default=list, help_text="What to send back.")
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.summary}"


class IdempotencyRecord(models.Model):
    """The first answer to a POST with an ``Idempotency-Key``, replayed for retries."""

    key = models.CharField(max_length=200)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    endpoint = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "endpoint", "key"], name="one_answer_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.endpoint} {self.key}"

    def replay(self) -> tuple[int, dict[str, Any]]:
        return self.status, self.body


# --- Remote-access consent (see cases/remote_access.py) -------------------------------------


class RemoteAccessGrant(models.Model):
    """Staff ask to access the customer's application or desktop on one case; the
    requester or a designated contact approves or denies. An approved grant lasts
    ``duration`` from approval, can be revoked, ends when the case is resolved or closed,
    and never applies to another case (states: ``successdesk.domain.remote_access``)."""

    class Target(models.TextChoices):
        APPLICATION = "application", "The customer's application (hub)"
        DESKTOP = "desktop", "The user's desktop"
        BOTH = "both", "Application and desktop"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        REVOKED = "revoked", "Revoked"
        WITHDRAWN = "withdrawn", "Withdrawn"
        ENDED = "ended", "Ended with the case"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="remote_access")
    requested_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    target = models.CharField(max_length=12, choices=Target.choices)
    reason = models.TextField()
    duration = models.DurationField(help_text="How long the access lasts once approved.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    access_details = models.TextField(
        blank=True, help_text="How to connect (given by the customer on approval)."
    )
    ended_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    expiry_recorded = models.BooleanField(default=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["case", "state"], name="remote_access_by_case")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="approved") | models.Q(expires_at__isnull=False),
                name="approved_grant_expires",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.target} {self.state}"
