"""Report figures as a table (the page and the CSV share it) and a chart."""

from __future__ import annotations

from dataclasses import dataclass

from .charts import Chart, bar_chart
from .selectors import (
    Attainment,
    RosterEntry,
    UsageRow,
    VolumeRow,
)


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    chart: Chart | None = None


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def attainment_table(rows: list[Attainment], by: str) -> Table:
    header = [
        by.capitalize(),
        "Cases",
        "Response met",
        "Response missed",
        "Response pending",
        "Response attainment",
        "Resolution met",
        "Resolution missed",
        "Resolution pending",
        "Resolution attainment",
    ]
    body = [
        [
            r.group,
            str(r.cases),
            str(r.response_met),
            str(r.response_missed),
            str(r.response_pending),
            _percent(r.response_rate),
            str(r.resolution_met),
            str(r.resolution_missed),
            str(r.resolution_pending),
            _percent(r.resolution_rate),
        ]
        for r in rows
    ]
    chart = bar_chart(
        f"Resolution attainment by {by}",
        [(r.group, [(r.resolution_rate or 0) * 100], _percent(r.resolution_rate)) for r in rows],
        max_value=100,
    )
    return Table(header, body, chart)


def volume_table(rows: list[VolumeRow]) -> Table:
    severities = (1, 2, 3, 4)
    header = ["Channel", *(f"Severity {s}" for s in severities), "Total"]
    body = [[r.label, *(str(r.by_severity[s]) for s in severities), str(r.total)] for r in rows]
    chart = bar_chart(
        "Cases by channel and severity",
        [(r.label, [r.by_severity[s] for s in severities], str(r.total)) for r in rows],
        series=[f"Sev {s}" for s in severities],
    )
    return Table(header, body, chart)


def first_response_table(rows: list[tuple[str, int]]) -> Table:
    total = sum(n for _, n in rows) or 1
    body = [[label, str(n), f"{n / total * 100:.1f}%"] for label, n in rows]
    chart = bar_chart("Time to first response", [(label, [n], str(n)) for label, n in rows])
    return Table(["Waited", "Cases", "Share"], body, chart)


def usage_table(rows: list[UsageRow]) -> Table:
    header = ["Customer", "Pool", "Used", "Extra granted", "Limit in period", "Allowance"]
    body = [
        [
            r.customer,
            r.pool,
            str(r.used),
            str(r.extra),
            "—" if r.limit is None else str(r.limit),
            "—" if r.allowance is None else str(r.allowance),
        ]
        for r in rows
    ]
    chart = bar_chart(
        "Requests used",
        [(f"{r.customer} · {r.pool}", [r.used], f"{r.used}/{r.allowance or '—'}") for r in rows],
    )
    return Table(header, body, chart)


def roster_table(entries: list[RosterEntry]) -> Table:
    header = ["Customer", "Contact", "E-mail", "Since", "Position", "Included", "Billed"]
    body = [
        [
            e.customer,
            e.name,
            e.email,
            f"{e.since:%Y-%m-%d}",
            str(e.position),
            str(e.included),
            "yes" if e.billed else "no",
        ]
        for e in entries
    ]
    counts: dict[str, list[int]] = {}
    for e in entries:
        within, beyond = counts.setdefault(e.customer, [0, 0])
        counts[e.customer] = [within + (not e.billed), beyond + e.billed]
    chart = bar_chart(
        "Designated contacts per customer",
        [(name, values, str(sum(values))) for name, values in counts.items()],
        series=["included", "billed"],
    )
    return Table(header, body, chart)
