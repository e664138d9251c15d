from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from successdesk.cases.attachments import check_upload
from successdesk.domain.errors import DomainError

from .models import ContentDownload, ContentItem


class ContentItemForm(forms.ModelForm[ContentItem]):
    class Meta:
        model = ContentItem
        fields = (
            *("slug", "title", "kind", "summary", "body", "file", "tags", "version"),
            *("is_published", "updated_at"),
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):
            try:
                self.checked = check_upload(upload, field="file")
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from exc
        return upload


@admin.register(ContentItem)
class ContentItemAdmin(admin.ModelAdmin[ContentItem]):
    form = ContentItemForm
    list_display = ("title", "kind", "version", "is_published", "updated_at")
    list_filter = ("kind", "is_published")
    search_fields = ("title", "summary", "tags")
    prepopulated_fields = {"slug": ("title",)}

    def save_model(self, request: HttpRequest, obj: ContentItem, form: Any, change: bool) -> None:
        checked = getattr(form, "checked", None)
        if checked:
            obj.file_name, obj.file_type = checked
        super().save_model(request, obj, form, change)


@admin.register(ContentDownload)
class ContentDownloadAdmin(admin.ModelAdmin[ContentDownload]):
    list_display = ("item", "version", "user", "customer", "at")
    list_select_related = ("item", "user", "customer")
    list_filter = ("customer",)
