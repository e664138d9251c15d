from __future__ import annotations

from django.contrib import admin

from .models import RoutingRule, SlaEscalation, TeamSettings


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[RoutingRule]):
    list_display = ("position", "name", "team", "is_active", "severities", "packages")
    list_display_links = ("name",)
    list_editable = ("position", "is_active")
    list_filter = ("is_active", "team")
    search_fields = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "position", "team", "is_active")}),
        (
            "Conditions (a case must meet every one that is set)",
            {
                "fields": (
                    "categories",
                    "product_areas",
                    "severities",
                    "channels",
                    "customers",
                    "packages",
                )
            },
        ),
    )


@admin.register(TeamSettings)
class TeamSettingsAdmin(admin.ModelAdmin[TeamSettings]):
    list_display = ("team", "strategy", "auto_assign", "last_assigned", "last_assigned_at")
    list_editable = ("strategy", "auto_assign")
    readonly_fields = ("last_assigned", "last_assigned_at")
    list_select_related = ("team", "last_assigned")  # as AuditEntryAdmin


@admin.register(SlaEscalation)
class SlaEscalationAdmin(admin.ModelAdmin[SlaEscalation]):
    list_display = ("at", "case", "clock", "level", "due_at")
    list_filter = ("level", "clock")
    search_fields = ("case__number",)
    list_select_related = ("case",)
    readonly_fields = ("case", "clock", "level", "at", "due_at", "notified")

    def has_add_permission(self, request: object) -> bool:
        return False
