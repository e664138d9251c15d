"""Keyset pages: an ordering declared once, and from it the SQL ``ORDER BY``, the index
fields, the cursor (the sort values of a page's last row, as an opaque URL-safe token) and
the keyset condition "rows after the cursor".

Used by the newest-first case lists and the triage queues; a token that cannot be read
is refused with ``InvalidCursor``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, OrderBy, Q

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


@dataclass(frozen=True)
class SortKey:
    """One column of an ordering. ``nulls_last``: a nullable column whose empty values sort
    after all others; ``read`` reads the column's value back from a cursor."""

    field: str
    read: Callable[[object], Any]
    descending: bool = False
    nulls_last: bool = False

    @property
    def index_field(self) -> str:
        return f"-{self.field}" if self.descending else self.field

    def order(self) -> OrderBy:
        nulls_last = True if self.nulls_last else None
        column = F(self.field)
        return (
            column.desc(nulls_last=nulls_last)
            if self.descending
            else column.asc(nulls_last=nulls_last)
        )

    def beyond(self, value: Any) -> Q | None:
        """Rows strictly after ``value`` in this column (None: there are none)."""
        if value is None:
            return None
        after = Q(**{f"{self.field}__{'lt' if self.descending else 'gt'}": value})
        return after | Q(**{f"{self.field}__isnull": True}) if self.nulls_last else after

    def same(self, value: Any) -> Q:
        if value is None:
            return Q(**{f"{self.field}__isnull": True})
        return Q(**{self.field: value})


class Ordering:
    """A total order of rows (its last key is unique) for keyset pages."""

    def __init__(self, *keys: SortKey) -> None:
        self.keys = keys

    def order_by(self) -> tuple[OrderBy, ...]:
        return tuple(key.order() for key in self.keys)

    def index_fields(self) -> list[str]:
        return [key.index_field for key in self.keys]

    def cursor(self, tag: str, row: object) -> str:
        """The cursor after ``row``; ``tag`` names the list it belongs to."""
        return cursor_encode([tag, *(getattr(row, key.field) for key in self.keys)])

    def cursor_read(self, token: str) -> tuple[str, list[Any]]:
        """The tag and sort values of a cursor (InvalidCursor if it cannot be read)."""

        def read(values: list[Any]) -> tuple[str, list[Any]]:
            tag, *sorts = values
            if not isinstance(tag, str) or len(sorts) != len(self.keys):
                raise ValueError(values)
            return tag, [
                None if value is None and key.nulls_last else key.read(value)
                for key, value in zip(self.keys, sorts, strict=True)
            ]

        return cursor_decode(token, read)

    def after(self, values: list[Any]) -> Q:
        """The keyset condition: rows after the row with these sort values."""
        rest = Q(pk__in=[])
        for number, (key, value) in enumerate(reversed(list(zip(self.keys, values, strict=True)))):
            beyond = key.beyond(value)
            if number == 0:
                rest = beyond if beyond is not None else rest
                continue
            tied = key.same(value) & rest
            rest = tied if beyond is None else beyond | tied
        return rest
