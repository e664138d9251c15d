from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from successdesk.domain.errors import DomainError

from .catalog import version_publish
from .models import (
    GUARDED_FIELDS,
    Calendar,
    CalendarClosure,
    Package,
    PackageVersion,
    Product,
    ProductCoverage,
    Subscription,
    SubscriptionChange,
    UsageCounter,
)
from .services import subscription_check_term, subscription_start


class ClosureInline(admin.TabularInline[CalendarClosure, Calendar]):
    model = CalendarClosure
    extra = 1


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin[Calendar]):
    list_display = ("name", "time_zone", "holiday_country", "holiday_subdivision", "updated_at")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (ClosureInline,)


class VersionInline(admin.TabularInline[PackageVersion, Package]):
    model = PackageVersion
    extra = 0
    fields = ("version", "effective_from", "published_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin[Package]):
    list_display = ("name", "slug", "rank")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (VersionInline,)


@admin.register(PackageVersion)
class PackageVersionAdmin(admin.ModelAdmin[PackageVersion]):
    """Versions are published (added), never edited: a change is a new version."""

    list_display = ("package", "version", "effective_from", "published_at")
    list_filter = ("package",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("published_at",)
        return [f.name for f in PackageVersion._meta.fields]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: PackageVersion, form: Any, change: bool
    ) -> None:
        if change:
            return
        published = version_publish(
            package=obj.package,
            entitlements=obj.entitlements,
            effective_from=obj.effective_from,
            phone_calendar=obj.phone_calendar,
            sla_calendar=obj.sla_calendar,
            notes=obj.notes,
        )
        obj.pk = published.pk
        obj.version = published.version


class SubscriptionAddForm(forms.ModelForm[Subscription]):
    class Meta:
        model = Subscription
        fields = ("customer", "package_version", "starts_on", "ends_on", "auto_renew")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        customer, starts, ends = (data.get(k) for k in ("customer", "starts_on", "ends_on"))
        if customer and starts and ends:
            try:
                subscription_check_term(customer=customer, starts_on=starts, ends_on=ends)
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from exc
        return data


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin[Subscription]):
    """A subscription is started here; once it exists its package version and term are
    read-only: they change only through the change service (the console's *Change package*
    page), which applies the "no material decrease" rule and records the change. The model
    refuses any other write too."""

    list_display = ("customer", "package_version", "starts_on", "ends_on", "scheduled_version")
    list_select_related = ("customer", "package_version__package", "scheduled_version__package")
    search_fields = ("customer__name",)

    def get_form(
        self,
        request: HttpRequest,
        obj: Subscription | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        if obj is None:
            kwargs["form"] = SubscriptionAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("customer", "package_version", "starts_on", "ends_on", "auto_renew")
        return (*GUARDED_FIELDS, "change_package", "auto_renew", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return (*GUARDED_FIELDS, "change_package", "created_at")

    @admin.display(description="Change package or term")
    def change_package(self, obj: Subscription) -> str:
        url = reverse("console:customer_package", args=[obj.customer_id])
        return format_html(
            '<a href="{}">Change package on the console</a> (preview, then confirm: a change '
            "that lowers the service mid-term is refused or scheduled for renewal).",
            url,
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Subscription, form: Any, change: bool) -> None:
        if change:  # only auto_renew is editable: the model refuses anything else
            obj.save(update_fields=["auto_renew"])
            return
        started = subscription_start(
            customer=obj.customer,
            package_version=obj.package_version,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            auto_renew=obj.auto_renew,
        )
        obj.pk = started.pk


@admin.register(SubscriptionChange)
class SubscriptionChangeAdmin(admin.ModelAdmin[SubscriptionChange]):
    """The record of every change asked for: read-only."""

    list_display = ("subscription", "from_version", "to_version", "outcome", "via", "at")
    list_filter = ("outcome",)
    readonly_fields = (
        "subscription",
        "from_version",
        "to_version",
        "from_ends_on",
        "to_ends_on",
        "outcome",
        "decreases",
        "requested_by",
        "via",
        "at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UsageCounter)
class UsageCounterAdmin(admin.ModelAdmin[UsageCounter]):
    """Read-only: ``used`` is counted by the service requests themselves, and one-off
    extras are granted (audited, vendor admins only) on the console's *Fair usage* page."""

    list_display = ("customer", "pool", "month", "used", "extra")
    list_filter = ("pool", "month")
    list_select_related = ("customer",)
    readonly_fields = ("customer", "pool", "month", "used", "extra")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class CoverageInline(admin.TabularInline[ProductCoverage, Product]):
    model = ProductCoverage
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = ("name", "slug", "vendor_owned")
    list_filter = ("vendor_owned",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = (CoverageInline,)
