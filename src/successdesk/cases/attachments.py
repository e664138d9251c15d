"""Uploaded files: checked by size and by type (name and content) before anything is saved."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import FileField

from successdesk.domain.errors import InvalidInput

# Leading bytes of the binary types we accept; text types must decode as UTF-8.
_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".zip": (b"PK\x03\x04", b"PK\x05\x06"),
}
_TEXT = {".txt", ".log", ".csv", ".json", ".har"}
MAX_FILES = 10


class AttachmentRefused(InvalidInput):
    code = "attachment_refused"
    title = "Attachment refused"


def _human(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def check_upload(upload: UploadedFile[bytes], *, field: str = "attachments") -> tuple[str, str]:
    """Refuse a file that is too large or of a type we do not accept.

    Returns the cleaned original name and the content type to serve it with.
    """
    name = PurePath(str(upload.name or "file")).name[:200] or "file"
    suffix = PurePath(name).suffix.lower()
    allowed = [t.lower() for t in settings.ATTACHMENT_TYPES]
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise AttachmentRefused(
            f"{name} is larger than {_human(limit)}: compress it or share a smaller extract.",
            field=field,
            max_bytes=limit,
        )
    if suffix not in allowed:
        raise AttachmentRefused(
            f"{name}: files of type {suffix or '(none)'} are not accepted. "
            f"Accepted: {', '.join(allowed)}.",
            field=field,
        )
    head = upload.read(2048)
    upload.seek(0)
    if suffix in _MAGIC and not head.startswith(_MAGIC[suffix]):
        raise AttachmentRefused(
            f"{name} does not look like a {suffix} file: its content does not match its name.",
            field=field,
        )
    if suffix in _TEXT:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # a multi-byte character cut at 2048 is fine
                raise AttachmentRefused(
                    f"{name} is not a text file (only UTF-8 text is accepted as {suffix}).",
                    field=field,
                ) from exc
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return name, content_type


def check_uploads(
    uploads: list[UploadedFile[bytes]], *, field: str = "attachments"
) -> list[tuple[str, str]]:
    if len(uploads) > MAX_FILES:
        raise AttachmentRefused(f"Attach at most {MAX_FILES} files at a time.", field=field)
    return [check_upload(u, field=field) for u in uploads]


def uploads_store(uploads: list[UploadedFile[bytes]]) -> list[str]:
    """Write checked uploads to the attachments' storage and return their stored names, to
    be given to ``Attachment(file=…)``: a case's files are written before its transaction
    takes the case number, whose lock every other intake waits on."""
    from .models import Attachment

    field = Attachment._meta.get_field("file")
    assert isinstance(field, FileField)
    return [
        field.storage.save(
            field.generate_filename(Attachment(), upload.name or "file"),
            upload,
            max_length=field.max_length,
        )
        for upload in uploads
    ]
