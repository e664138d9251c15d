"""Case intake rules: severities, channels, and "Severity 1 must be phoned in".

Pure: the phone line's status and the customer's entitlements are passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from successdesk.domain.entitlements import Entitlements, ensure_entitled, has_feature
from successdesk.domain.errors import InvalidInput


class Channel(StrEnum):
    WEB = "web"
    PHONE = "phone"
    API = "api"

    @property
    def label(self) -> str:
        return {"web": "Web", "phone": "Telephone", "api": "API"}[self.value]


class Source(StrEnum):
    """Where on a channel the case came from."""

    PORTAL = "portal"
    CONTACT_FORM = "contact_form"
    PHONE = "phone"
    API = "api"

    @property
    def channel(self) -> Channel:
        return {
            "portal": Channel.WEB,
            "contact_form": Channel.WEB,
            "phone": Channel.PHONE,
            "api": Channel.API,
        }[self.value]


SEVERITIES: dict[int, str] = {
    1: "Severity 1 — critical: production down or unusable, no workaround",
    2: "Severity 2 — major: a key function fails, a workaround may exist",
    3: "Severity 3 — minor: a function misbehaves, a workaround exists",
    4: "Severity 4 — question, request or cosmetic issue",
}

# What a requester may say a case is about (the web form's and the API's choices; triage
# documents its own, finer category later).
CATEGORIES: dict[str, str] = {
    "bug": "Something is broken",
    "question": "How do I…?",
    "configuration": "Configuration",
    "integration": "Integration (Salesforce, SSO, API…)",
    "email": "E-mail and notifications",
    "reporting": "Reporting",
    "other": "Other",
}


@dataclass(frozen=True, kw_only=True)
class PhoneLine:
    number: str
    hours: str
    open_now: bool
    next_open: datetime | None

    def sentence(self) -> str:
        state = "open now" if self.open_now else "closed now"
        if not self.open_now and self.next_open is not None:
            state += f"; it opens {self.next_open:%a %d %b %H:%M %Z}"
        return f"Call {self.number} ({self.hours}; the line is {state})."


class Severity1RequiresPhone(InvalidInput):
    code = "severity_1_requires_phone"
    title = "Severity 1 must be phoned in"


def check_severity(severity: int) -> int:
    """The severity, if it is one; its type is the boundary's to check (the API's strict
    schema, the forms' typed choices)."""
    if severity not in SEVERITIES:
        raise InvalidInput(
            "severity must be 1, 2, 3 or 4 (1 = critical … 4 = question).", field="severity"
        )
    return severity


def check_intake(
    *,
    source: Source,
    severity: int,
    phone: PhoneLine | Callable[[], PhoneLine],
    entitlements: Entitlements | None,
    included_in: Sequence[str] | Callable[[], Sequence[str]] = (),
) -> None:
    """Refuse what the channel or the package does not allow, saying what to do instead.

    ``entitlements`` is None for a sender not yet matched to a customer (checked at triage).
    ``phone`` and ``included_in`` only word a refusal: either may be a function, called
    only then (each is a lookup that an accepted case does not need).
    """
    check_severity(severity)
    if severity == 1 and source.channel is not Channel.PHONE:
        if callable(phone):
            phone = phone()
        raise Severity1RequiresPhone(
            "Severity 1 issues must be phoned in so that we can start on them at once. "
            + phone.sentence(),
            field="severity",
            phone=phone.number,
            phone_hours=phone.hours,
            phone_open_now=phone.open_now,
            phone_next_open=phone.next_open.isoformat() if phone.next_open else None,
        )
    if entitlements is not None and not has_feature(entitlements, source.channel.value):
        ensure_entitled(
            entitlements,
            source.channel.value,
            included_in=included_in() if callable(included_in) else included_in,
        )
