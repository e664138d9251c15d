"""Stored values as words on pages: ``{{ event.kind|code_label }}`` reads "In progress",
``{{ grant.duration|duration }}`` "4 hours", ``{{ target|duration:"business" }}`` "4
business hours" (never Python's ``4:00:00``)."""

from __future__ import annotations

from datetime import timedelta

from django import template

from successdesk.domain.labels import code_label as _code_label
from successdesk.domain.labels import duration_words

register = template.Library()


@register.filter
def code_label(value: object) -> str:
    return _code_label(str(value or ""))


@register.filter
def duration(value: object, kind: str = "") -> str:
    """A timedelta in words; ``"business"`` counts business hours. Anything else: empty."""
    if not isinstance(value, timedelta):
        return ""
    return duration_words(value, business=kind == "business")
