"""The triage panel and the live SLA badges, for the console's case-page hooks."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

from successdesk.cases.models import Case
from successdesk.triage.badges import SlaBadge, badges_of, sla_pills_html
from successdesk.triage.forms import panel_context

register = template.Library()


@register.inclusion_tag("triage/_panel.html", takes_context=True)
def triage_panel(context: template.Context, case: Case) -> dict[str, Any]:
    return {
        **panel_context(case, context["request"].user),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("triage/_sla_badges.html")
def sla_badges(case: Case) -> dict[str, Any]:
    return {"case": case, "badges": badges_of(case, timezone.now())}


@register.simple_tag
def sla_pills(badges: list[SlaBadge]) -> SafeString:
    return sla_pills_html(badges)
