from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from .models import ApiToken, AuditEntry, Customer, SupportTeam, TeamMembership, User


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ("name", "slug", "time_zone", "is_active")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class UserCreateForm(AdminUserCreationForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ("email", "customer")


class UserEditForm(UserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    add_form = UserCreateForm
    form = UserEditForm
    ordering = ("email",)
    list_display = ("email", "full_name", "customer", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "customer", "groups")
    search_fields = ("email", "full_name")
    list_select_related = ("customer",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "phone", "customer")}),
        ("Roles", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "customer", "password1", "password2")}),
    )
    filter_horizontal = ("groups",)


class MembershipInline(admin.TabularInline[TeamMembership, SupportTeam]):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(SupportTeam)
class SupportTeamAdmin(admin.ModelAdmin[SupportTeam]):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MembershipInline,)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "digest", "created_at", "last_used_at")
    search_fields = ("user__email", "prefix")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ("at", "action", "actor", "customer", "target", "ip_address")
    list_filter = ("action",)
    search_fields = ("target", "actor__email")
    readonly_fields = ("at", "action", "actor", "customer", "target", "ip_address", "details")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
