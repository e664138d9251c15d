"""Writes for the content library: a download, logged, carrying the IP notice."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from django.utils import timezone
from django.utils.text import slugify

from successdesk.accounts.models import User

from .models import ContentDownload, ContentItem
from .selectors import ip_notice, item_get, library_access


@dataclass(frozen=True)
class Download:
    content: bytes
    name: str
    content_type: str


def _packed(item: ContentItem, notice: str) -> Download:
    """The item with the notice: a text file starting with it, or a ZIP with the file
    and NOTICE.txt."""
    if item.file:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            with item.file.open("rb") as source:
                archive.writestr(
                    item.file_name or PurePath(str(item.file.name)).name, source.read()
                )
            archive.writestr("NOTICE.txt", notice + "\n")
        name = f"{slugify(item.title) or 'content'}-v{item.version}.zip"
        return Download(buffer.getvalue(), name, "application/zip")
    text = f"{notice}\n\n{item.title} (version {item.version})\n\n{item.body}\n"
    name = f"{slugify(item.title) or 'content'}-v{item.version}.txt"
    return Download(text.encode(), name, "text/plain; charset=utf-8")


def content_download(*, user: User, slug: str, at: datetime | None = None) -> Download:
    """Check the entitlement, log the download and return the content with the notice."""
    at = at or timezone.now()
    customer = library_access(user, at)
    item = item_get(slug=slug, staff=user.is_vendor_staff)
    download = _packed(item, ip_notice())
    ContentDownload.objects.create(
        item=item, version=item.version, user=user, customer=customer, at=at
    )
    return download
