"""Case numbers: unique, human-friendly (CS-004217), never reused, safe under concurrency."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from .models import CaseSequence

SEQUENCE = "case"


def _increment(name: str) -> int | None:
    """Add one to the counter and read it back in one statement (PostgreSQL and SQLite
    ≥ 3.35 both have ``UPDATE … RETURNING``, which Django's ORM does not write)."""
    connection = transaction.get_connection()
    ops = connection.ops
    table = ops.quote_name(CaseSequence._meta.db_table)
    value, name_column = ops.quote_name("last_value"), ops.quote_name("name")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {value} = {value} + 1 WHERE {name_column} = %s "  # noqa: S608
            f"RETURNING {value}",
            [name],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


def case_number_next() -> str:
    """Take the next number inside the caller's transaction.

    The UPDATE takes the row lock (PostgreSQL) or the database write lock (SQLite, where
    transactions begin IMMEDIATE), so two intakes can never read the same value; the number
    is committed with the case or not at all.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_number_next() must be called inside transaction.atomic().")
    value = _increment(SEQUENCE)
    if value is None:  # the row is made by a migration; a flushed test database lacks it
        CaseSequence.objects.get_or_create(name=SEQUENCE)
        value = _increment(SEQUENCE)
    if value is None:
        raise RuntimeError(f"The case-number sequence {SEQUENCE!r} could not be advanced.")
    return f"{settings.CASE_NUMBER_PREFIX}{value:06d}"


def case_number_normal(raw: str) -> str:
    """The stored spelling of a case number typed in any letter case (``cs-004217`` →
    ``CS-004217``), so that lookups compare with ``=`` and use the unique index on
    ``Case.number`` (``number__iexact`` compiles to ``UPPER(number) = UPPER(%s)`` on
    PostgreSQL, which no plain index serves: a sequential scan at a million cases).

    A number is the prefix and digits. With an upper-case prefix (the default ``CS-``) the
    whole input is upper-cased, which also finds numbers issued under an earlier upper-case
    prefix; with any other prefix a prefix typed in another case is replaced by the
    configured one.
    """
    text = raw.strip()
    prefix = settings.CASE_NUMBER_PREFIX
    if prefix == prefix.upper():
        return text.upper()
    if text[: len(prefix)].upper() == prefix.upper():
        return prefix + text[len(prefix) :]
    return text
