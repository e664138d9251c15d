"""``{% case_sla_lines case as lines %}``: the case's SLA clocks as its pages show them
(due times while running; met or missed once stopped)."""

from __future__ import annotations

from django import template

from successdesk.cases.clocks import SlaLine, sla_lines
from successdesk.cases.models import Case

register = template.Library()


@register.simple_tag
def case_sla_lines(case: Case) -> list[SlaLine]:
    return sla_lines(case)
