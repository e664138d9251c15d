"""Horizontal bar charts as geometry for an inline SVG template (no JavaScript, no inline
styles: the template uses SVG presentation attributes only, as the CSP requires)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

PALETTE = ("#3b4cca", "#1f7a4d", "#a86400", "#b3261e", "#6b7280", "#0e7490")
LABEL_WIDTH = 170
BAR_AREA = 420
VALUE_WIDTH = 90
ROW_HEIGHT = 26
BAR_HEIGHT = 16
LEGEND_HEIGHT = 24


@dataclass(frozen=True)
class Segment:
    x: str
    width: str
    fill: str
    title: str


@dataclass(frozen=True)
class Row:
    label: str
    y: str
    text_y: str
    segments: list[Segment]
    value_x: str
    value_text: str


@dataclass(frozen=True)
class LegendItem:
    x: str
    text_x: str
    fill: str
    label: str


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    label_x: int
    bar_height: int
    legend_y: str
    legend_text_y: str
    rows: list[Row]
    legend: list[LegendItem]


def _n(value: float) -> str:
    return f"{value:.1f}"


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, Sequence[float], str]],
    *,
    series: Sequence[str] = ("",),
    max_value: float | None = None,
) -> Chart:
    """One bar per row (label, values stacked by ``series``, the text shown after it).
    ``max_value`` fixes the scale (e.g. 100 for percentages)."""
    top = max_value or max((sum(values) for _, values, _ in rows), default=0) or 1
    legend_rows = LEGEND_HEIGHT if len(series) > 1 else 0
    out: list[Row] = []
    for n, (label, values, text) in enumerate(rows):
        y = legend_rows + n * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        x = float(LABEL_WIDTH)
        segments = []
        for k, value in enumerate(values):
            width = BAR_AREA * value / top
            name = f"{series[k]}: " if series[k] else ""
            segments.append(
                Segment(_n(x), _n(width), PALETTE[k % len(PALETTE)], f"{label} {name}{value:g}")
            )
            x += width
        out.append(
            Row(
                label=label,
                y=_n(y),
                text_y=_n(y + BAR_HEIGHT - 3),
                segments=segments,
                value_x=_n(x + 6),
                value_text=text,
            )
        )
    legend = [
        LegendItem(
            x=_n(LABEL_WIDTH + k * 90),
            text_x=_n(LABEL_WIDTH + k * 90 + 16),
            fill=PALETTE[k % len(PALETTE)],
            label=name,
        )
        for k, name in enumerate(series)
        if legend_rows
    ]
    return Chart(
        title=title,
        width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
        height=legend_rows + max(len(rows), 1) * ROW_HEIGHT,
        label_x=LABEL_WIDTH - 8,
        bar_height=BAR_HEIGHT,
        legend_y=_n(6),
        legend_text_y=_n(17),
        rows=out,
        legend=legend,
    )
