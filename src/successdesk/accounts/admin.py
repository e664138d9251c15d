from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.http import HttpRequest

from successdesk.domain.errors import DomainError

from .email_change import email_change_request
from .models import ApiToken, AuditEntry, Customer, SupportTeam, TeamMembership, User
from .network import client_ip


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

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """A new sign-in e-mail typed here is only requested: the new address confirms it
        (``email_change``), as for every other way of changing it."""
        if not change or "email" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        new, obj.email = obj.email, form.initial["email"]
        super().save_model(request, obj, form, change)
        try:
            actor = request.user if isinstance(request.user, User) else None
            email_change_request(actor=actor, user=obj, email=new, ip=client_ip(request))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.info(
                request,
                f"We e-mailed {new} a link to confirm the new sign-in e-mail; {obj.email} "
                "signs in as before until it is confirmed.",
            )


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
    # Said outright: Django 6.1 joins list_display's foreign keys itself (nullable ones
    # included); older versions' bare select_related() skipped nullable ones (a query per row).
    list_select_related = ("actor", "customer")

    # The audit log is evidence: nobody adds, edits or removes its rows here, superusers
    # included (a retention policy, if one comes, runs as a sweep, not by hand).
    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
