from __future__ import annotations

from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("created_at", "kind", "to", "subject", "attempts", "sent_at")
    list_filter = ("kind",)
    search_fields = ("to", "subject")
    readonly_fields = [f.name for f in Notification._meta.fields]
