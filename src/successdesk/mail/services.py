"""Accepting inbound mail: store the raw message first, then ask a worker to process it.

Every way in (``successdesk inbound -``, the LMTP listener, IMAP polling, provider
webhooks) calls ``inbound_accept`` and acknowledges the message only after it returns.
"""

from __future__ import annotations

import hashlib
from email.parser import BytesHeaderParser
from email.policy import compat32
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction

from successdesk.domain.errors import InvalidInput

from .models import InboundMessage, Mailbox
from .tasks import inbound_process


class MessageTooLarge(InvalidInput):
    code = "message_too_large"
    status = 413
    title = "The message is too large"


def message_identity(raw: bytes) -> str:
    """The message's ``Message-ID`` (angle brackets kept, at most 255 characters), or the
    sha256 of its bytes when it has none or an unusable one. Reads the header block only
    and never raises."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw[:65_536], headersonly=True)
        value = str(headers.get("Message-ID") or "").strip()
    except Exception:  # a header block too broken to read: the digest identifies it
        value = ""
    if value and "\n" not in value and "\r" not in value and len(value) <= 255:
        return value
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def inbound_accept(
    raw: bytes,
    *,
    source: str,
    mailbox: Mailbox | None = None,
    envelope_from: str = "",
    envelope_to: str = "",
) -> tuple[InboundMessage, bool]:
    """Store one raw message and queue its processing (after commit). Returns the stored
    message and whether it is new: a message already stored (same identity) is returned as
    it is and queued again only if it never got processed.

    Refuses a message over ``INBOUND_MAX_BYTES`` (``MessageTooLarge``) without storing it.
    """
    limit = settings.INBOUND_MAX_BYTES
    if len(raw) > limit:
        raise MessageTooLarge(
            f"The message is {len(raw):,} bytes; we accept messages up to {limit:,} bytes. "
            "Send large files as a link, or attach them to the case in the support portal."
        )
    identity = message_identity(raw)
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                mailbox=mailbox,
                source=source[:20],
                identity=identity,
                raw=raw,
                size=len(raw),
                envelope_from=envelope_from[:254],
                envelope_to=envelope_to[:254],
            )
            transaction.on_commit(partial(inbound_process.enqueue, message.pk))
    except IntegrityError:
        message = InboundMessage.objects.get(identity=identity)
        if message.state == InboundMessage.State.RECEIVED:
            inbound_process.enqueue(message.pk)
        return message, False
    return message, True
