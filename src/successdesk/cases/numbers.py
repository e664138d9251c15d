"""Case numbers: unique, human-friendly (CS-004217), never reused, safe under concurrency."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F

from .models import CaseSequence

SEQUENCE = "case"


def case_number_next() -> str:
    """Take the next number inside the caller's transaction.

    The UPDATE takes the row lock (PostgreSQL) or the database write lock (SQLite, where
    transactions begin IMMEDIATE), so two intakes can never read the same value; the number
    is committed with the case or not at all.
    """
    assert transaction.get_connection().in_atomic_block, "call inside transaction.atomic()"
    updated = CaseSequence.objects.filter(name=SEQUENCE).update(last_value=F("last_value") + 1)
    if not updated:
        CaseSequence.objects.get_or_create(name=SEQUENCE)
        CaseSequence.objects.filter(name=SEQUENCE).update(last_value=F("last_value") + 1)
    value = CaseSequence.objects.values_list("last_value", flat=True).get(name=SEQUENCE)
    return f"{settings.CASE_NUMBER_PREFIX}{value:06d}"
