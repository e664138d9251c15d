from django.contrib import admin
from django.http import HttpRequest

from .models import ServiceRequest, ServiceRequestAttachment, ServiceRequestEvent, UsageExtra


class AttachmentInline(admin.TabularInline[ServiceRequestAttachment, ServiceRequest]):
    model = ServiceRequestAttachment
    extra = 0
    readonly_fields = ("original_name", "content_type", "size", "uploaded_by", "created_at")
    exclude = ("file",)


class EventInline(admin.TabularInline[ServiceRequestEvent, ServiceRequest]):
    model = ServiceRequestEvent
    extra = 0
    readonly_fields = ("at", "actor", "kind", "from_status", "to_status", "data")


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin[ServiceRequest]):
    list_display = ("number", "customer", "kind", "status", "month", "counted", "created_at")
    list_filter = ("status", "kind", "pool")
    search_fields = ("details", "customer__name")
    list_select_related = ("customer",)
    readonly_fields = ("pool", "month", "counted", "created_at", "finished_at")
    inlines = (AttachmentInline, EventInline)


@admin.register(UsageExtra)
class UsageExtraAdmin(admin.ModelAdmin[UsageExtra]):
    list_display = ("customer", "pool", "month", "amount", "granted_by", "at")
    list_select_related = ("customer", "granted_by")

    def has_change_permission(self, request: HttpRequest, obj: UsageExtra | None = None) -> bool:
        return False  # extras are granted in the console (audited), not edited here
