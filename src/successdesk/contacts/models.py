"""Designated contacts, their extra-contact fees and their training.

These models came from ``accounts`` (issue 15): their tables keep the names they had there
(``db_table``), so moving them changed no table (``migrations/0001_initial.py``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from successdesk.accounts.models import Customer, Generation, User
from successdesk.domain.money import format_money

DESIGNATION_CHANGES = Generation()  # a designated contact was named, removed or transferred


class TrainingCourse(models.Model):
    """A course a customer user completes. Basic courses are required of every designated
    contact; a supplemental course is required when ``required_for_designated_contacts``."""

    class Kind(models.TextChoices):
        BASIC = "basic", "Basic online training"
        SUPPLEMENTAL = "supplemental", "Supplemental training"

    name = models.CharField(max_length=160, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SUPPLEMENTAL)
    required_for_designated_contacts = models.BooleanField(
        default=False,
        help_text="Supplemental courses only: required before a user can be designated. "
        "Basic courses are always required.",
    )
    description = models.TextField(blank=True)

    class Meta:
        db_table = "accounts_trainingcourse"  # its table from accounts (module docstring)
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_required(self) -> bool:
        return self.kind == self.Kind.BASIC or self.required_for_designated_contacts


class TrainingCompletion(models.Model):
    """A user completed a course on a day (recorded by a vendor admin or an import)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="training")
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField()
    recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_trainingcompletion"  # its table from accounts (module docstring)
        ordering = ["user__email", "course__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_completion_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.user} completed {self.course} on {self.completed_on}"


class DesignatedContact(models.Model):
    """A customer user named as a primary liaison. Removal keeps the row (history): an
    active designation has no ``removed_at``; a user is active-designated at most once."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="designated_contacts"
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="designations")
    since = models.DateTimeField(default=timezone.now)
    designated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The designation whose responsibilities were transferred to this one.",
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "accounts_designatedcontact"  # its table from accounts (module docstring)
        ordering = ["since", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(removed_at__isnull=True),
                name="one_active_designation_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(removed_at__isnull=True)
                | models.Q(removed_at__gte=models.F("since")),
                name="designation_removed_after_since",
            ),
        ]
        indexes = [models.Index(fields=["customer", "removed_at"], name="designation_by_customer")]

    def __str__(self) -> str:
        return f"{self.user} for {self.customer}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


def vendor_currency() -> str:
    """The currency of the vendor's prices and fees (``VENDOR_CURRENCY``)."""
    return str(settings.VENDOR_CURRENCY)


class DesignatedContactFee(models.Model):
    """A billable record: a designated contact beyond those the package includes, for the
    subscription term in which it was named — once per person and term, however often the
    person is removed and named again (a unique constraint). The vendor lists and exports
    these."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="contact_fees")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    designation = models.ForeignKey(
        DesignatedContact, on_delete=models.PROTECT, related_name="fees"
    )
    position = models.PositiveSmallIntegerField(help_text="6 for the 6th designated contact…")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default=vendor_currency, help_text="ISO 4217.")
    period_start = models.DateField()
    period_end = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_designatedcontactfee"  # its table from accounts (module docstring)
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "user", "period_start"], name="one_fee_per_person_and_term"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="fee_period_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer}: contact #{self.position} {self.user} {self.amount_display}"

    @property
    def amount_display(self) -> str:
        return format_money(self.amount, self.currency)


@receiver(post_save, sender=DesignatedContact)
@receiver(post_delete, sender=DesignatedContact)
def _designation_changed(sender: Any, **kwargs: Any) -> None:
    DESIGNATION_CHANGES.bump()
