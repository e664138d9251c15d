"""SLA badges: each clock's state and time left, from the case's stored clocks.

Lists load each package version's business calendar once, not once per case, so a queue
page costs the same number of queries whatever its length.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from django.utils.safestring import SafeString, mark_safe

from successdesk.cases.clocks import KINDS, calendar_of
from successdesk.cases.models import Case
from successdesk.domain.calendars import BusinessCalendar
from successdesk.domain.sla_clock import ClockState, SlaClock
from successdesk.domain.sla_targets import ClockKind
from successdesk.domain.sla_text import format_duration
from successdesk.web import short_when

LABELS: dict[ClockKind, str] = {"first_response": "Response", "resolution": "Resolution"}
TONES: dict[ClockState, str] = {
    "on_track": "ok",
    "at_risk": "warn",
    "breached": "bad",
    "paused": "",
    "met": "ok",
    "missed": "bad",
}
STATE_WORDS: dict[ClockState, str] = {
    "on_track": "on track",
    "at_risk": "at risk",
    "breached": "breached",
    "paused": "paused",
    "met": "met",
    "missed": "missed",
}


@dataclass(frozen=True)
class SlaBadge:
    clock: ClockKind
    state: ClockState
    remaining: timedelta
    due_at: datetime | None

    @property
    def label(self) -> str:
        return LABELS[self.clock]

    @property
    def tone(self) -> str:
        return TONES[self.state]

    @property
    def words(self) -> str:
        return STATE_WORDS[self.state]

    @property
    def time_text(self) -> str:
        """``2h 10m left``, ``1h 5m over`` (business time); nothing once stopped."""
        if self.state in ("met", "missed"):
            return ""
        if self.remaining < timedelta(0):
            return f"{_short(-self.remaining)} over"
        if self.state == "breached":
            return "overdue"  # reached at closing time: no business time has passed since
        return f"{_short(self.remaining)} left"


def _short(value: timedelta) -> str:
    """Hours and minutes, no seconds: ``286h``, ``2h 10m``, ``45m``, ``0m``."""
    return format_duration(timedelta(minutes=value // timedelta(minutes=1)))


class Calendars:
    """Business calendars by package version, built once per request or sweep."""

    def __init__(self) -> None:
        self._by_version: dict[int, BusinessCalendar] = {}

    def clocks(self, case: Case) -> dict[ClockKind, SlaClock]:
        """The case's stored clocks (as ``successdesk.cases.clocks.load``), calendar cached."""
        version = case.package_version
        if not case.sla_clocks or version is None:
            return {}
        calendar = self._by_version.get(version.pk)
        if calendar is None:
            calendar = self._by_version[version.pk] = calendar_of(version)
        return {
            kind: SlaClock.from_dict(case.sla_clocks[kind], calendar=calendar)
            for kind in KINDS
            if kind in case.sla_clocks
        }


def badges_of(case: Case, at: datetime, calendars: Calendars | None = None) -> list[SlaBadge]:
    """One badge per clock; a first response already given shows only while it matters
    (never: the resolution clock is the one to watch then)."""
    found = (calendars or Calendars()).clocks(case)
    badges = []
    for kind, clock in found.items():
        state = clock.state(at)
        if kind == "first_response" and state in ("met", "missed"):
            continue
        badges.append(SlaBadge(kind, state, clock.remaining(at), clock.due_at()))
    return badges


def badges_by_case(cases: Iterable[Case], at: datetime) -> dict[int, list[SlaBadge]]:
    calendars = Calendars()
    return {case.pk: badges_of(case, at, calendars) for case in cases}


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
