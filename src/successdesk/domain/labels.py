"""Words for stored codes and values: ``in_progress`` reads "In progress", ``sla_breached``
"SLA breached", a duration of 4 hours "4 hours"."""

from __future__ import annotations

from datetime import timedelta

ACRONYMS = {"sla": "SLA", "csv": "CSV", "api": "API"}


def code_label(code: str) -> str:
    """A code (``snake_case`` or dotted) as a short sentence-case label; empty stays empty."""
    words = code.replace(".", " ").replace("_", " ").split()
    words = [ACRONYMS.get(w.lower(), w.lower()) for w in words]
    if words and words[0] not in ACRONYMS.values():
        words[0] = words[0].capitalize()
    return " ".join(words)


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def duration_words(value: timedelta, *, business: bool = False) -> str:
    """A duration in words: ``2 days 3 hours``, ``1 hour 30 minutes``, ``45 minutes``.

    Business time is not counted in days (a business day's length depends on the
    calendar): ``4 business hours``, ``1 business hour 30 minutes``. Seconds are dropped.
    """
    minutes = int(abs(value) // timedelta(minutes=1))
    hours, rest = divmod(minutes, 60)
    parts = []
    if business:
        if hours:
            parts.append(_count(hours, "business hour"))
        if rest or not hours:
            parts.append(_count(rest, "business minute" if not hours else "minute"))
    else:
        days, hours = divmod(hours, 24)
        for n, unit in ((days, "day"), (hours, "hour"), (rest, "minute")):
            if n:
                parts.append(_count(n, unit))
        parts = parts or [_count(0, "minute")]
    return ("minus " if value < timedelta(0) else "") + " ".join(parts)
