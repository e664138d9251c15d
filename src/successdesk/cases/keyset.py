"""Keyset page cursors: the sort values of a page's last row, as an opaque URL-safe token.

Used by the newest-first case lists and the triage queues; a token that cannot be read
is refused with ``InvalidCursor``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from successdesk.domain.errors import InvalidCursor


def cursor_encode(values: list[Any]) -> str:
    """JSON, base64url without padding; datetimes as ISO 8601 with their offset."""
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode[T](token: str, read: Callable[[list[Any]], T]) -> T:
    """The token's values passed to ``read`` (which raises ValueError or TypeError for
    values it does not accept); any failure is ``InvalidCursor``."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw)
        if not isinstance(values, list):
            raise TypeError(values)
        return read(values)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor("The cursor cannot be read.") from None


def integer(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(value)
    return value


def instant(value: object) -> datetime:
    """An aware datetime from its ISO 8601 text (a naive one is refused)."""
    if not isinstance(value, str):
        raise ValueError(value)
    parsed = datetime.fromisoformat(value)
    if parsed.utcoffset() is None:
        raise ValueError(value)
    return parsed
