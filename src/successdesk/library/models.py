"""The campaign content library: pre-packaged campaign assets, and a log of downloads.

The vendor keeps all intellectual property in the content; customers entitled to the
library may use it only under their subscription (``NOTICE``)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from successdesk.accounts.models import Customer, User

NOTICE = (
    "{vendor} retains ownership of all intellectual property rights in this content and "
    "reserves all rights not expressly granted. You may use it only as your subscription "
    "permits, while it lasts."
)


def _content_path(instance: ContentItem, filename: str) -> str:
    return f"library/{uuid.uuid4().hex}"


class ContentItem(models.Model):
    class Kind(models.TextChoices):
        EMAIL_TEMPLATE = "email_template", "E-mail template"
        CHALLENGE = "challenge", "Challenge"
        LANDING_PAGE = "landing_page", "Landing page"
        SURVEY = "survey", "Survey"
        OTHER = "other", "Other asset"

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.CharField(max_length=500, blank=True)
    body = models.TextField(
        blank=True, help_text="The content itself, or leave empty and attach a file."
    )
    file = models.FileField(upload_to=_content_path, max_length=200, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    tags = models.CharField(max_length=300, blank=True, help_text="Comma-separated.")
    version = models.PositiveIntegerField(default=1)
    is_published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["is_published", "kind"], name="library_browse")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]


class ContentDownload(models.Model):
    """Who downloaded which version of an item, when (for the vendor's records)."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="downloads")
    version = models.PositiveIntegerField()
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    customer = models.ForeignKey(Customer, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["customer", "-at"], name="library_downloads_recent")]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.version} by {self.user_id}"
