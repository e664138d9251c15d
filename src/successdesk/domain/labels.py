"""Words for stored codes: ``in_progress`` reads "In progress", ``sla_breached`` "SLA breached"."""

from __future__ import annotations

ACRONYMS = {"sla": "SLA", "csv": "CSV", "api": "API"}


def code_label(code: str) -> str:
    """A code (``snake_case`` or dotted) as a short sentence-case label; empty stays empty."""
    words = code.replace(".", " ").replace("_", " ").split()
    words = [ACRONYMS.get(w.lower(), w.lower()) for w in words]
    if words and words[0] not in ACRONYMS.values():
        words[0] = words[0].capitalize()
    return " ".join(words)
