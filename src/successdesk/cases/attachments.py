"""Uploaded files: checked by size and by type (name and content) before anything is saved."""

from __future__ import annotations

import codecs
import mimetypes
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import FileField

from successdesk.domain.errors import InvalidInput

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
