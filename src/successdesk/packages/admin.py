from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
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
        from .catalog import version_publish

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


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin[Subscription]):
    list_display = ("customer", "package_version", "starts_on", "ends_on", "scheduled_version")
    list_select_related = ("customer", "package_version__package", "scheduled_version__package")
    search_fields = ("customer__name",)


@admin.register(SubscriptionChange)
class SubscriptionChangeAdmin(admin.ModelAdmin[SubscriptionChange]):
    list_display = ("subscription", "from_version", "to_version", "outcome", "at")
    readonly_fields = (
        "subscription",
        "from_version",
        "to_version",
        "outcome",
        "decreases",
        "requested_by",
        "at",
    )


@admin.register(UsageCounter)
class UsageCounterAdmin(admin.ModelAdmin[UsageCounter]):
    """Admins grant one-off extra requests here (``extra``); ``used`` is counted by the
    service requests themselves."""

    list_display = ("customer", "pool", "month", "used", "extra")
    list_filter = ("pool", "month")
    list_select_related = ("customer",)
    readonly_fields = ("used",)


class CoverageInline(admin.TabularInline[ProductCoverage, Product]):
    model = ProductCoverage
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = ("name", "slug", "vendor_owned")
    list_filter = ("vendor_owned",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = (CoverageInline,)
