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
    assert transaction.get_connection().in_atomic_block, "call inside transaction.atomic()"
    value = _increment(SEQUENCE)
    if value is None:  # the row is made by a migration; a flushed test database lacks it
        CaseSequence.objects.get_or_create(name=SEQUENCE)
        value = _increment(SEQUENCE)
    assert value is not None
    return f"{settings.CASE_NUMBER_PREFIX}{value:06d}"
