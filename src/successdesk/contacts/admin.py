"""Designated contacts, fees and training in the Django admin: read-only but for the
courses (roster changes and completions go through the console, with their rules and
audit)."""

from __future__ import annotations

from django.contrib import admin

from .models import DesignatedContact, DesignatedContactFee, TrainingCompletion, TrainingCourse


@admin.register(TrainingCourse)
class TrainingCourseAdmin(admin.ModelAdmin[TrainingCourse]):
    list_display = ("name", "slug", "kind", "required_for_designated_contacts")
    list_filter = ("kind", "required_for_designated_contacts")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(TrainingCompletion)
class TrainingCompletionAdmin(admin.ModelAdmin[TrainingCompletion]):
    """Read here; record completions in the console (audited) or by CSV import there."""

    list_display = ("user", "course", "completed_on", "recorded_by", "recorded_at")
    list_filter = ("course",)
    list_select_related = ("user", "course", "recorded_by")
    search_fields = ("user__email",)
    readonly_fields = ("user", "course", "completed_on", "recorded_by", "recorded_at")

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(DesignatedContact)
class DesignatedContactAdmin(admin.ModelAdmin[DesignatedContact]):
    """Read-only: roster changes go through the console or the portal (rules, audit)."""

    list_display = ("user", "customer", "since", "designated_by", "removed_at")
    list_filter = ("customer",)
    list_select_related = ("user", "customer", "designated_by")
    search_fields = ("user__email", "customer__name")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(DesignatedContactFee)
class DesignatedContactFeeAdmin(admin.ModelAdmin[DesignatedContactFee]):
    list_display = ("customer", "user", "position", "amount", "period_start", "period_end")
    list_filter = ("customer",)
    list_select_related = ("customer", "user")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
