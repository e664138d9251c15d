"""Service requests (admin tasks and advisory reviews), their files and history, and the
one-off fair-usage extras staff grant."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from successdesk.accounts.models import Customer, User
from successdesk.domain.service_flow import RequestStatus, ServiceKind


class ServiceRequest(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="service_requests"
    )
    requester = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="service_requests"
    )
    kind = models.CharField(max_length=30, choices=[(k.value, k.label) for k in ServiceKind])
    details = models.TextField()
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.label) for s in RequestStatus],
        default=RequestStatus.SUBMITTED.value,
    )
    pool = models.CharField(max_length=20, help_text="The fair-usage pool it counts against.")
    month = models.DateField(help_text="The month (first day, customer's zone) it counts in.")
    counted = models.BooleanField(
        default=True, help_text="False once declined: its slot was given back."
    )
    assignee = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.TextField(blank=True, help_text="Decline reason or delivery note.")
    recommendations = models.JSONField(default=list, blank=True)
    exclusions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="sr_customer_recent"),
            models.Index(fields=["status", "created_at"], name="sr_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def number(self) -> str:
        return f"SR-{self.pk:06d}" if self.pk else "SR-new"

    @property
    def kind_enum(self) -> ServiceKind:
        return ServiceKind(self.kind)

    @property
    def is_advisory(self) -> bool:
        return self.kind_enum.is_advisory


def _upload_path(instance: ServiceRequestAttachment, filename: str) -> str:
    return f"service-requests/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class ServiceRequestAttachment(models.Model):
    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to=_upload_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        # The orphan-uploads sweep asks which stored names are referenced.
        indexes = [models.Index(fields=["file"], name="sr_attachment_file")]

    def __str__(self) -> str:
        return self.original_name


class ServiceRequestEvent(models.Model):
    """What happened to a request: submitted, accepted, assigned, delivered, declined."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"])]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


class UsageExtra(models.Model):
    """A one-off extra request granted to a customer's pool for one month (also in the
    audit log); the counter's ``extra`` is the sum of these."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    pool = models.CharField(max_length=20)
    month = models.DateField()
    amount = models.PositiveSmallIntegerField(default=1)
    reason = models.CharField(max_length=500)
    granted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.pool} {self.month:%Y-%m} +{self.amount}"
