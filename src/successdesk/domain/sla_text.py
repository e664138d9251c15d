"""Wording for SLA explanations: durations, instants and runs of closed days."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from successdesk.domain.calendars import DASH

_ZERO = timedelta(0)


def format_duration(value: timedelta) -> str:
    """``8h``, ``2h 10m``, ``45m``, ``30s``, ``0m``; days are written as hours (``400h``)."""
    sign = "-" if value < _ZERO else ""
    seconds = int(abs(value) // timedelta(seconds=1))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((hours, "h"), (minutes, "m"), (seconds, "s")) if n]
    return sign + (" ".join(parts) or "0m")


def format_instant(value: datetime) -> str:
    """``Fri 27 Nov 18:30 EST``."""
    return f"{value:%a} {value.day} {value:%b %H:%M %Z}"


def closed_runs(days: list[tuple[date, str]]) -> str:
    """``Sat 28-Sun 29 Nov (weekend), Mon 7 Sep (Labour Day)``; many runs are summed up."""
    runs: list[list[tuple[date, str]]] = []
    for day, why in days:
        if runs and (day - runs[-1][-1][0]).days == 1:
            runs[-1].append((day, why))
        else:
            runs.append([(day, why)])
    texts = []
    for run in runs:
        first, last = run[0][0], run[-1][0]
        reasons = ", ".join(dict.fromkeys(why for _, why in run))
        if first == last:
            span = f"{first:%a} {first.day} {first:%b}"
        elif first.month == last.month:
            span = f"{first:%a} {first.day}{DASH}{last:%a} {last.day} {last:%b}"
        else:
            span = f"{first:%a} {first.day} {first:%b}{DASH}{last:%a} {last.day} {last:%b}"
        texts.append(f"{span} ({reasons})")
    if len(runs) > 3:
        reasons = ", ".join(dict.fromkeys(why for _, why in days))
        return f"{len(days)} closed days ({reasons})"
    return ", ".join(texts)
