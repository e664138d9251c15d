"""Rows of the console's case lists, ready to print.

A list page prints up to a hundred cases. Looked up through the template language, every
cell costs a chain of attribute lookups, method calls and filters (the `date` filter
alone was a fifth of a queue page); here each row is built once, in Python, as a dict of
finished strings, so the template only prints them. Same content, same escaping (the
template escapes every string; the SLA pills arrive as safe HTML built by `format_html`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.urls import reverse

from successdesk.cases.clocks import sla_lines
from successdesk.cases.models import Case
from successdesk.triage.badges import SlaBadge, sla_pills_html
from successdesk.web import short_when

Row = dict[str, object]


def _case_url() -> str:
    """The case page's URL with ``{}`` for the number (one `reverse` per page, not per row)."""
    return reverse("console:case", args=["NUMBER"]).replace("NUMBER", "{}")


def _common(case: Case, url: str) -> Row:
    return {
        "number": case.number,
        "url": url.format(case.number),
        "customer": case.customer.name if case.customer else "(unverified)",
        "severity": case.severity,
        "subject": case.subject,
        "status": case.get_status_display(),
        "resolution_due": _resolution_cell(case),
    }


def _resolution_cell(case: Case) -> str:
    """The resolution target while its clock runs; once stopped, met or missed (a stopped
    clock has no due time to show)."""
    line = next((x for x in sla_lines(case) if x.kind == "resolution"), None)
    if line is not None and line.outcome:
        return f"target {line.outcome}"
    return short_when(case.resolution_due_at)


def queue_rows(cases: Sequence[Case], badges: dict[int, list[SlaBadge]]) -> list[Row]:
    """A queue page's rows: the case, its package, team, assignee and live SLA pills."""
    rows, url = [], _case_url()
    for case in cases:
        row = _common(case, url)
        version = case.package_version
        row["package"] = version.package.name if version else "—"
        row["team"] = case.team.name if case.team else "—"
        row["assignee"] = (case.assignee.get_full_name() if case.assignee else "") or "—"
        row["sla"] = sla_pills_html(badges[case.pk])
        rows.append(row)
    return rows


def list_rows(cases: Iterable[Case]) -> list[Row]:
    """The case list's rows: the case, its channel and resolution target."""
    rows, url = [], _case_url()
    for case in cases:
        row = _common(case, url)
        row["channel"] = case.get_channel_display()
        rows.append(row)
    return rows
