"""Uploaded files: checked by size and by type (name and content) before anything is saved."""

from __future__ import annotations

import codecs
import mimetypes
from datetime import datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import FileField, Model
from django.utils import timezone

from successdesk.domain.errors import InvalidInput

from .models import Attachment

# Leading bytes of the binary types we accept; text types must decode as UTF-8, whole.
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
        _check_utf8(upload, name, suffix, field)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return name, content_type


def _check_utf8(upload: UploadedFile[bytes], name: str, suffix: str, field: str) -> None:
    """The whole file must be UTF-8 (read in chunks; a character may span two chunks)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0  # where the bytes the decoder is given start in the file
    try:
        for chunk in [*upload.chunks(), b""]:
            buffered = len(decoder.getstate()[0])  # an unfinished character, carried over
            offset -= buffered
            decoder.decode(chunk, final=not chunk)
            offset += buffered + len(chunk)
    except UnicodeDecodeError as exc:
        at = offset + exc.start
        raise AttachmentRefused(
            f"{name} is not a text file in UTF-8 (the byte at position {at} is not UTF-8: the "
            f"file may be saved as Latin-1 or Windows-1252); only UTF-8 text is accepted as "
            f"{suffix}. Save it as UTF-8 and attach it again, or attach it in a .zip.",
            field=field,
        ) from exc
    finally:
        upload.seek(0)


def check_uploads(
    uploads: list[UploadedFile[bytes]], *, field: str = "attachments"
) -> list[tuple[str, str]]:
    """Check every file; refuse them all at once, naming every bad file and why, so the
    user can correct them in one go (one file's refusal has that file's own code)."""
    if len(uploads) > MAX_FILES:
        raise AttachmentRefused(f"Attach at most {MAX_FILES} files at a time.", field=field)
    checked, refused = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload, field=field))
        except AttachmentRefused as exc:
            refused.append(exc)
    if len(refused) == 1:
        raise refused[0]
    if refused:
        raise AttachmentRefused(
            f"{len(refused)} of the {len(uploads)} files were refused and nothing was saved: "
            + " ".join(exc.message for exc in refused),
            field=field,
            files=[exc.message for exc in refused],
        )
    return checked


def uploads_store(uploads: list[UploadedFile[bytes]]) -> list[str]:
    """Write checked uploads to the attachments' storage and return their stored names, to
    be given to ``Attachment(file=…)``: a case's files are written before its transaction
    takes the case number, whose lock every other intake waits on. If that transaction
    rolls back, the files stay behind unreferenced: ``orphan_uploads_remove`` (a sweep)
    removes them."""
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


ORPHAN_AGE = timedelta(hours=1)


def orphan_uploads_remove(
    *, model: type[Model], folder: str, now: datetime | None = None, months: int = 2
) -> int:
    """Remove files under ``folder/YYYY/MM`` (the last ``months`` months) older than
    ``ORPHAN_AGE`` that no row of ``model`` references: files of an intake or a request
    whose transaction rolled back (or whose process died) after they were written. A
    younger file may belong to a transaction still running. Returns how many were removed.

    Only recent month folders are listed, so a run costs a listing of those and one
    indexed ``file IN (…)`` query per 500 old files, whatever the number of attachments.
    """
    field = model._meta.get_field("file")
    if not isinstance(field, FileField):
        raise TypeError(f"{model.__name__}.file is not a FileField.")
    storage = field.storage
    now = now or timezone.now()
    first = now.replace(day=1)
    stamps = [first]
    for _ in range(months - 1):
        stamps.append((stamps[-1] - timedelta(days=1)).replace(day=1))
    old: list[str] = []
    for stamp in stamps:
        month = f"{folder}/{stamp:%Y/%m}"
        if not storage.exists(month):
            continue
        for name in storage.listdir(month)[1]:
            path = f"{month}/{name}"
            if now - storage.get_modified_time(path) > ORPHAN_AGE:
                old.append(path)
    removed = 0
    for start in range(0, len(old), 500):
        chunk = old[start : start + 500]
        kept = set(model._default_manager.filter(file__in=chunk).values_list("file", flat=True))
        for path in chunk:
            if path not in kept:
                storage.delete(path)
                removed += 1
    return removed
