"""Stored calendars, the package catalog (immutable dated versions) and subscriptions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, time
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from successdesk.accounts.models import Customer, User
from successdesk.domain.calendars import BusinessCalendar
from successdesk.domain.entitlements import Entitlements
from successdesk.domain.errors import DomainError
from successdesk.domain.subscription_change import renewal_date


def _windows(raw: Any, where: str) -> list[tuple[time, time]]:
    try:
        return [(time.fromisoformat(a), time.fromisoformat(b)) for a, b in raw]
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            f'{where}: write windows as [["08:00", "20:00"], …] (24-hour HH:MM).'
        ) from exc


class Calendar(models.Model):
    """A business calendar admins edit: weekly hours in a zone, public holidays, closures.

    ``weekly_hours`` maps weekday numbers ("0" = Monday … "6" = Sunday) to windows,
    e.g. ``{"0": [["08:00", "20:00"]], …}``; "00:00" as an end means midnight.
    """

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=64, default="America/Toronto")
    weekly_hours = models.JSONField(default=dict)
    holiday_country = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166 code for public holidays, e.g. CA."
    )
    holiday_subdivision = models.CharField(max_length=10, blank=True, help_text="e.g. ON.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def weekly(self) -> dict[int, list[tuple[time, time]]]:
        if not isinstance(self.weekly_hours, dict):
            raise ValidationError({"weekly_hours": "Map weekday numbers to windows."})
        try:
            return {
                int(day): _windows(windows, f"weekday {day}")
                for day, windows in self.weekly_hours.items()
            }
        except ValueError as exc:
            raise ValidationError({"weekly_hours": str(exc)}) from exc

    def build(self, closures: list[CalendarClosure] | None = None) -> BusinessCalendar:
        """The domain calendar for this record (closures read unless given)."""
        if closures is None:
            closures = list(self.closures.all()) if self.pk else []
        holidays = {c.date: c.reason or "closed" for c in closures if not c.windows}
        partial = {c.date: _windows(c.windows, str(c.date)) for c in closures if c.windows}
        return BusinessCalendar.from_config(
            tz=self.time_zone,
            hours=self.weekly(),
            country=self.holiday_country or None,
            subdiv=self.holiday_subdivision or None,
            holidays=holidays,
            closures=partial,
        )

    def clean(self) -> None:
        try:
            self.build(closures=[])
        except DomainError as exc:
            raise ValidationError(exc.message) from exc


class CalendarClosure(models.Model):
    """A vendor's own closure: a whole day (no windows) or a day with its own hours."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    windows = models.JSONField(
        default=list, blank=True, help_text='Empty: closed all day. Else [["08:00","12:00"]].'
    )
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="one_closure_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.calendar}: {self.date} {self.reason}"

    def clean(self) -> None:
        _windows(self.windows or [], str(self.date))


@receiver(post_save, sender=CalendarClosure)
@receiver(post_delete, sender=CalendarClosure)
def _closure_changed(sender: Any, instance: CalendarClosure, **kwargs: Any) -> None:
    """A closure was saved or deleted: move its calendar's ``updated_at``, the stamp built
    calendars are cached by (``packages.calendars``)."""
    Calendar.objects.filter(pk=instance.calendar_id).update(updated_at=timezone.now())


class Package(models.Model):
    """A support offering: Standard, Premier Success, Premier Success Plus."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    rank = models.PositiveSmallIntegerField(default=0, help_text="Display order, low first.")

    class Meta:
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class ImmutableVersion(DomainError):
    code = "package_version_immutable"
    status = 409
    title = "Package versions are immutable"


class PackageVersion(models.Model):
    """One immutable, dated version of a package: what it grants from ``effective_from``.

    To change a package, publish a new version; running subscriptions keep theirs until
    renewal.
    """

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    effective_from = models.DateField()
    published_at = models.DateTimeField(default=timezone.now)
    notes = models.TextField(blank=True)
    entitlements = models.JSONField(help_text="What the version grants (see docs/packages.md).")
    phone_calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="+")
    sla_calendar = models.ForeignKey(
        Calendar,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Business hours on which business-hours SLA targets are counted.",
    )

    class Meta:
        ordering = ["package__rank", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["package", "version"], name="one_number_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.package.name} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableVersion(
                f"{self} is published and cannot be edited. Publish a new version instead."
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableVersion(f"{self} is published and cannot be deleted.")

    @property
    def label(self) -> str:
        return f"{self.package.name} (version {self.version}, from {self.effective_from:%Y-%m-%d})"

    def to_entitlements(self) -> Entitlements:
        """The stored `entitlements` JSON as the domain's value (validated)."""
        return Entitlements.from_dict(self.entitlements)


class SubscriptionChangeBypassed(DomainError):
    """A running subscription's package version or term was changed around the service."""

    code = "subscription_change_bypassed"
    status = 409
    title = "Change the subscription through the change service"


# Set only by ``packages.services.subscription_change`` while it writes its decision.
_change_service_active: ContextVar[bool] = ContextVar("subscription_change", default=False)


@contextmanager
def _through_change_service() -> Iterator[None]:
    token = _change_service_active.set(True)
    try:
        yield
    finally:
        _change_service_active.reset(token)


# What only the change service may change on an existing subscription.
GUARDED_FIELDS = ("customer", "package_version", "scheduled_version", "starts_on", "ends_on")
_GUARDED_ATTNAMES = (
    "customer_id",
    "package_version_id",
    "scheduled_version_id",
    "starts_on",
    "ends_on",
)


def _refuse_bypass(what: str) -> SubscriptionChangeBypassed:
    return SubscriptionChangeBypassed(
        f"{what} of an existing subscription changes only through the change service, which "
        'applies the "no material decrease" rule and records the change: the console\'s '
        "Change package page, `successdesk changepackage`, or "
        "packages.services.subscription_change()."
    )


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def update(self, **kwargs: Any) -> int:
        guarded = sorted(set(kwargs) & set(GUARDED_FIELDS + _GUARDED_ATTNAMES))
        if guarded and not _change_service_active.get():
            raise _refuse_bypass(f"{', '.join(guarded)}")
        return super().update(**kwargs)


class Subscription(models.Model):
    """A customer's package version for a term (inclusive dates).

    Once saved, its customer, package version, scheduled version and term change only
    through ``packages.services.subscription_change``: ``save()`` and ``update()`` refuse
    anything else (``SubscriptionChangeBypassed``), whatever the caller — the Django admin,
    a management command, the shell or an import.
    """

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="subscriptions")
    package_version = models.ForeignKey(PackageVersion, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    auto_renew = models.BooleanField(default=True)
    scheduled_version = models.ForeignKey(
        PackageVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Takes effect at renewal (a change that would lower service mid-term).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects: ClassVar[SubscriptionQuerySet] = SubscriptionQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["customer__name", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="term_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["customer", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.customer}: {self.package_version} {self.starts_on}–{self.ends_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not _change_service_active.get():
            stored = Subscription.objects.filter(pk=self.pk).values(*_GUARDED_ATTNAMES).first()
            changed = [a for a, v in (stored or {}).items() if getattr(self, a) != v]
            if changed:
                shown = ", ".join(a.removesuffix("_id").replace("_", " ") for a in changed)
                raise _refuse_bypass(shown[:1].upper() + shown[1:])
        super().save(*args, **kwargs)

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def renews_on(self) -> date:
        return renewal_date(self.ends_on)


class SubscriptionChange(models.Model):
    """Every change asked for during a term: accepted, refused or scheduled for renewal."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        REFUSED = "refused", "Refused (material decrease)"
        SCHEDULED = "scheduled", "Scheduled for renewal"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="changes")
    from_version = models.ForeignKey(PackageVersion, on_delete=models.PROTECT, related_name="+")
    to_version = models.ForeignKey(PackageVersion, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    from_ends_on = models.DateField(null=True, blank=True, help_text="The term's end before.")
    to_ends_on = models.DateField(null=True, blank=True, help_text="The term's end asked for.")
    via = models.CharField(
        max_length=40, blank=True, help_text="Where it was asked: console, command, …"
    )
    decreases = models.JSONField(default=list, blank=True)
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.subscription}: {self.from_version} → {self.to_version} ({self.outcome})"


# --- Fair-usage ledger ----------------------------------------------------------------------


class UsageCounter(models.Model):
    """Requests counted against one fair-usage pool in one calendar month of the customer's
    time zone (``month`` is that month's first day). ``extra`` is one-off extras granted."""

    class Pool(models.TextChoices):
        ADMIN_TASK = "admin_task", "Admin tasks"
        ADVISORY_REVIEW = "advisory_review", "Advisory reviews"
        SERVICE_REQUESTS = "service_requests", "Service requests (pooled)"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="usage")
    pool = models.CharField(max_length=20, choices=Pool.choices)
    month = models.DateField(help_text="The first day of the month, in the customer's zone.")
    used = models.PositiveIntegerField(default=0)
    extra = models.PositiveIntegerField(default=0, help_text="One-off extra requests granted.")

    class Meta:
        ordering = ["customer__name", "-month", "pool"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "pool", "month"], name="one_counter_per_pool_and_month"
            ),
            models.CheckConstraint(condition=models.Q(month__day=1), name="month_is_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.pool} {self.month:%Y-%m}: {self.used} (+{self.extra})"


# --- Covered products -----------------------------------------------------------------------


class Product(models.Model):
    """A product or service customers ask about: the vendor's own, or a third party's
    (which no package covers: the excluded "non-vendor products" requests)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    vendor_owned = models.BooleanField(default=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-vendor_owned", "name"]

    def __str__(self) -> str:
        return self.name


class ProductCoverage(models.Model):
    """Whether a package covers a product, with a note (e.g. "setup is not included")."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="coverage")
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="coverage")
    covered = models.BooleanField(default=True)
    note = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["package__rank", "-product__vendor_owned", "product__name"]
        constraints = [
            models.UniqueConstraint(fields=["product", "package"], name="one_coverage_per_package")
        ]

    def __str__(self) -> str:
        state = "covered" if self.covered else "not covered"
        return f"{self.product} in {self.package}: {state}"
