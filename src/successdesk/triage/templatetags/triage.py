"""The triage panel and the live SLA badges, for the console's case-page hooks."""

from __future__ import annotations

from html import escape
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from successdesk.cases.models import Case
from successdesk.triage.badges import SlaBadge, badges_of
from successdesk.triage.forms import LinkCustomerForm, TriageForm
from successdesk.triage.selectors import case_facts, routing_suggestion, triage_record
from successdesk.triage.services import TRIAGE_ROLES
from successdesk.web import short_when

register = template.Library()


def panel_context(
    case: Case,
    user: Any,
    *,
    form: TriageForm | None = None,
    link_form: LinkCustomerForm | None = None,
    verify_error: str = "",
) -> dict[str, Any]:
    """What the triage panel shows: the forms, where the rules send the case, the last
    documentation; for an unverified public message, the customer user its address
    matched (to verify) and the customer to link it to."""
    suggestion = routing_suggestion(case_facts(case))
    candidate = case.sender_match if not case.is_verified and case.sender_match_id else None
    return {
        "verify_candidate": candidate,
        "verify_error": verify_error,
        "case": case,
        "can_triage": user.has_role(*TRIAGE_ROLES),
        "form": form or TriageForm.for_case(case),
        "link_form": link_form or (LinkCustomerForm() if case.customer_id is None else None),
        "suggested_team": suggestion[0] if suggestion else None,
        "suggested_rule": suggestion[1] if suggestion else None,
        "record": triage_record(case),
    }


@register.inclusion_tag("triage/_panel.html", takes_context=True)
def triage_panel(context: template.Context, case: Case) -> dict[str, Any]:
    return {
        **panel_context(case, context["request"].user),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("triage/_sla_badges.html")
def sla_badges(case: Case) -> dict[str, Any]:
    return {"case": case, "badges": badges_of(case, timezone.now())}


def _pill(badge: SlaBadge) -> str:
    # Called for every clock of every row of a queue page: the standard library's escape
    # (what Django's calls), without format_html's per-argument work.
    title = (
        f' title="{escape(badge.label)} due {escape(short_when(badge.due_at, year=True))}"'
        if badge.due_at and badge.state not in ("met", "missed")  # no due time once stopped
        else ""
    )
    time_text = f" · {escape(badge.time_text)}" if badge.time_text else ""
    return (
        f'<span class="pill {escape(badge.tone)}"{title}>'
        f"{escape(badge.label)} {escape(badge.words)}{time_text}</span> "
    )


def sla_pills_html(badges: list[SlaBadge]) -> SafeString:
    """The SLA pills of a case (one per clock, "no SLA" without clocks), as safe HTML."""
    if not badges:
        return mark_safe('<span class="pill">no SLA</span>')
    return mark_safe("".join(_pill(badge) for badge in badges))  # noqa: S308 (all escaped)


@register.simple_tag
def sla_pills(badges: list[SlaBadge]) -> SafeString:
    return sla_pills_html(badges)
