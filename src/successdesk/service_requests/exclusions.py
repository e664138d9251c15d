"""Excluded requests at intake and in triage: the check the portal runs as the customer
types, and the staff decision on a case — confirm (answer and resolve) or override.

Detection is ``packages.selectors.exclusions_detect``, the one the intake stores (the
default rules in ``data/exclusion_rules.json`` and the products the vendor lists as its
own or as third parties'). It is a hint: the customer may still submit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from successdesk.accounts.audit import audit_record
from successdesk.accounts.models import Customer, User
from successdesk.cases.conversation import comment_add
from successdesk.cases.lifecycle import case_transition
from successdesk.cases.models import Case, CaseEvent
from successdesk.contacts.selectors import designated_contacts_of
from successdesk.domain.errors import Conflict, InvalidInput, PermissionDenied
from successdesk.domain.exclusions import ExclusionKind, ExclusionMatch, load_default_rules
from successdesk.domain.labels import code_label
from successdesk.domain.lifecycle import CaseStatus, ResolutionType
from successdesk.packages.selectors import exclusions_detect

MAX_TEXT = 20_000
CONFIRMED, OVERRIDDEN = "exclusion_confirmed", "exclusion_overridden"


@dataclass(frozen=True)
class ExclusionHint:
    """A detected excluded kind with its answer written for this customer."""

    kind: str
    label: str
    evidence: str
    answer: str


def _render(match: ExclusionMatch, contacts: list[str]) -> ExclusionHint:
    return ExclusionHint(
        kind=match.kind.value,
        label=code_label(match.kind.value),
        evidence=match.evidence,
        answer=match.render(designated_contacts=contacts),
    )


def exclusion_check(
    *, customer: Customer | None, subject: str, description: str
) -> list[ExclusionHint]:
    """What the text seems to ask for that the packages exclude, with the answers
    (naming the customer's designated contacts for password resets)."""
    subject, description = subject[:200], description[:MAX_TEXT]
    if not (subject.strip() or description.strip()):
        return []
    matches = exclusions_detect(subject, description)
    if not matches:
        return []
    contacts = [u.get_full_name() for u in designated_contacts_of(customer)] if customer else []
    return [_render(m, contacts) for m in matches]


def standard_answer(*, case: Case, kind: str) -> str:
    rule = load_default_rules().rule_for(_kind(kind))
    assert rule is not None
    contacts = (
        [u.get_full_name() for u in designated_contacts_of(case.customer)] if case.customer else []
    )
    return ExclusionMatch(kind=rule.kind, evidence="", answer=rule.answer).render(contacts)


def _kind(kind: str) -> ExclusionKind:
    try:
        return ExclusionKind(kind)
    except ValueError:
        raise InvalidInput(
            f"{kind!r} is not an excluded kind. Use one of: "
            f"{', '.join(k.value for k in ExclusionKind)}.",
            field="kind",
        ) from None


def _staff(by: User) -> None:
    if not by.is_vendor_staff:
        raise PermissionDenied("Only vendor staff confirm or override an exclusion.")


def case_exclusion_confirm(*, case: Case, kind: str, by: User, at: datetime | None = None) -> Case:
    """Confirm the case asks for an excluded kind: reply with the standard answer and
    resolve the case (resolution "other", the answer as summary). Audited."""
    at = at or timezone.now()
    _staff(by)
    kind = _kind(kind).value
    if case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        raise Conflict(
            f"Case {case.number} is already {code_label(case.status).lower()}: reopen it "
            "first if needed.",
            field="kind",
        )
    answer = standard_answer(case=case, kind=kind)
    with transaction.atomic():
        comment_add(case=case, author=by, body=answer, at=at)
        CaseEvent.objects.create(case=case, at=at, actor=by, kind=CONFIRMED, data={"kind": kind})
        case = case_transition(
            case=case,
            to=CaseStatus.RESOLVED,
            by=by,
            resolution=ResolutionType.OTHER,
            summary=answer,
            at=at,
        )
        audit_record(
            action="exclusion.confirmed",
            actor=by,
            customer=case.customer,
            target=case.number,
            kind=kind,
        )
    return case


def case_exclusion_override(
    *, case: Case, kind: str, by: User, note: str = "", at: datetime | None = None
) -> CaseEvent:
    """Decide the case is in scope after all: it goes on as a normal case. Audited."""
    at = at or timezone.now()
    _staff(by)
    kind = _kind(kind).value
    note = (note or "").strip()[:2_000]
    with transaction.atomic():
        event = CaseEvent.objects.create(
            case=case,
            at=at,
            actor=by,
            kind=OVERRIDDEN,
            is_internal=True,
            data={"kind": kind, "note": note},
        )
        audit_record(
            action="exclusion.overridden",
            actor=by,
            customer=case.customer,
            target=case.number,
            kind=kind,
            note=note,
        )
    return event


@dataclass(frozen=True)
class ExclusionRow:
    kind: str
    label: str
    evidence: str
    answer: str
    decision: str  # "", "confirmed" or "overridden"
    decided_by: str


def case_exclusions(case: Case) -> list[ExclusionRow]:
    """The kinds detected at intake, each with the staff decision so far (one query)."""
    decisions: dict[str, tuple[str, str]] = {}
    for event in case.events.filter(kind__in=[CONFIRMED, OVERRIDDEN]).select_related("actor"):
        decided = "confirmed" if event.kind == CONFIRMED else "overridden"
        who = event.actor.get_full_name() if event.actor else ""
        decisions[str(event.data.get("kind", ""))] = (decided, who)
    return [
        ExclusionRow(
            kind=m["kind"],
            label=code_label(m["kind"]),
            evidence=m.get("evidence", ""),
            answer=m.get("answer", ""),
            decision=decisions.get(m["kind"], ("", ""))[0],
            decided_by=decisions.get(m["kind"], ("", ""))[1],
        )
        for m in case.exclusions
    ]
