"""Inclusion tags for the case pages' hooks: excluded-request controls and remote-access
consent (console), and remote-access consent (portal)."""

from __future__ import annotations

from typing import Any

from django import template

from successdesk.cases.models import Case, RemoteAccessGrant
from successdesk.cases.remote_access import may_decide, remote_access_of, remote_access_offer
from successdesk.service_requests.exclusions import case_exclusions

register = template.Library()
DURATIONS = [("1", "1 hour"), ("4", "4 hours"), ("8", "8 hours"), ("24", "1 day"), ("72", "3 days")]


def _base(context: template.Context, case: Case) -> dict[str, Any]:
    return {
        "case": case,
        "user": context.get("user"),
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }


@register.inclusion_tag("service_requests/_console_exclusions.html", takes_context=True)
def console_exclusion_controls(context: template.Context, case: Case) -> dict[str, Any]:
    return {**_base(context, case), "rows": case_exclusions(case)}


@register.inclusion_tag("service_requests/_console_remote_access.html", takes_context=True)
def console_remote_access(context: template.Context, case: Case) -> dict[str, Any]:
    return {
        **_base(context, case),
        "grants": remote_access_of(case),
        "offer": remote_access_offer(case=case),
        "targets": RemoteAccessGrant.Target.choices,
        "durations": DURATIONS,
    }


@register.inclusion_tag("service_requests/_portal_remote_access.html", takes_context=True)
def portal_remote_access(context: template.Context, case: Case) -> dict[str, Any]:
    user = context.get("user")
    return {
        **_base(context, case),
        "grants": remote_access_of(case),
        "may_decide": user is not None and may_decide(user, case),
    }
