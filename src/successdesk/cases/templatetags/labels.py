"""``{{ event.kind|code_label }}``: stored codes as words on pages (In progress)."""

from __future__ import annotations

from django import template

from successdesk.domain.labels import code_label as _code_label

register = template.Library()


@register.filter
def code_label(value: object) -> str:
    return _code_label(str(value or ""))
