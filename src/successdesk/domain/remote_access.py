"""Remote-access grants: their states, what may happen to each, and when one gives access.

A grant is asked for (pending), then approved or denied by the customer; an approved grant
is active until its end (``expires_at``), when it has expired by itself. Before that the
customer or staff may revoke it, and a case that is resolved or closed ends it: remote
access never outlives the work it was given for. Staff withdraw a pending request; the
case's end ends it too.

    pending --approve--> approved (active) --revoke--> revoked
            --deny-----> denied             --case_ended--> ended
            --withdraw-> withdrawn          (time passes) -> expired
            --case_ended--> ended

Expiry is not a write: an approved grant past its end is expired whatever was recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from successdesk.domain.errors import Conflict, DomainError, PermissionDenied


class GrantState(StrEnum):
    """The stored states (expiry is derived from the end time, see :func:`grant_phase`)."""

    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    REVOKED = "revoked"
    WITHDRAWN = "withdrawn"
    ENDED = "ended"


class GrantPhase(StrEnum):
    """A grant as seen at an instant: the stored state, with approved split in two."""

    PENDING = "pending"
    ACTIVE = "active"
    EXPIRED = "expired"
    DENIED = "denied"
    REVOKED = "revoked"
    WITHDRAWN = "withdrawn"
    ENDED = "ended"


class GrantAction(StrEnum):
    APPROVE = "approve"
    DENY = "deny"
    REVOKE = "revoke"
    WITHDRAW = "withdraw"
    CASE_ENDED = "case_ended"


_P, _S, _A = GrantPhase, GrantState, GrantAction
_NEXT: dict[GrantPhase, dict[GrantAction, GrantState]] = {
    _P.PENDING: {
        _A.APPROVE: _S.APPROVED,
        _A.DENY: _S.DENIED,
        _A.WITHDRAW: _S.WITHDRAWN,
        _A.CASE_ENDED: _S.ENDED,
    },
    _P.ACTIVE: {_A.REVOKE: _S.REVOKED, _A.CASE_ENDED: _S.ENDED},
    _P.EXPIRED: {},
    _P.DENIED: {},
    _P.REVOKED: {},
    _P.WITHDRAWN: {},
    _P.ENDED: {},
}
_WORDS = {
    _P.PENDING: "waiting for approval",
    _P.ACTIVE: "active",
    _P.EXPIRED: "expired",
    _P.DENIED: "denied",
    _P.REVOKED: "revoked",
    _P.WITHDRAWN: "withdrawn",
    _P.ENDED: "ended with the case",
}
LABELS = {phase: words[0].upper() + words[1:] for phase, words in _WORDS.items()}


class GrantNotActionable(Conflict):
    code = "remote_access_not_actionable"
    title = "Nothing to do on this remote-access request"


def grant_phase(state: GrantState | str, expires_at: datetime | None, at: datetime) -> GrantPhase:
    """The grant at ``at``: an approved grant is active strictly before its end."""
    state = GrantState(state)
    if state is _S.APPROVED:
        return _P.ACTIVE if expires_at is not None and at < expires_at else _P.EXPIRED
    return GrantPhase(state.value)


def grant_is_active(state: GrantState | str, expires_at: datetime | None, at: datetime) -> bool:
    """Whether the grant gives access at ``at`` (approved and not past its end)."""
    return grant_phase(state, expires_at, at) is _P.ACTIVE


def grant_step(
    state: GrantState | str, action: GrantAction, *, expires_at: datetime | None, at: datetime
) -> GrantState:
    """The state ``action`` at ``at`` leads to, or GrantNotActionable saying why not."""
    phase = grant_phase(state, expires_at, at)
    target = _NEXT[phase].get(action)
    if target is None:
        hint = (
            "there is nothing to revoke or withdraw."
            if action in (_A.REVOKE, _A.WITHDRAW)
            else "there is nothing to decide."
        )
        raise GrantNotActionable(
            f"This remote-access request is {_WORDS[phase]}: {hint}",
            field="grant",
            phase=phase.value,
            action=action.value,
        )
    return target


def ends_with_case(state: GrantState | str, expires_at: datetime | None, at: datetime) -> bool:
    """Whether resolving or closing the case at ``at`` ends this grant (pending or active)."""
    return _A.CASE_ENDED in _NEXT[grant_phase(state, expires_at, at)]


class NotIncludedForStaff(PermissionDenied):
    """Staff asked for something the customer's package does not include (the customer's
    own refusal, NotEntitled, says "your package": this one names the customer)."""

    code = "not_entitled"
    status = 403
    title = "Not included in the customer's package"


@dataclass(frozen=True)
class Offer:
    """Whether staff may ask for remote access on a case now; if not, the refusal, in
    words for staff."""

    refusal: DomainError | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None

    @property
    def reason(self) -> str:
        return self.refusal.message if self.refusal else ""


def request_offer(
    *,
    case_open: bool,
    customer_name: str | None,
    package_name: str | None,
    included: bool,
    included_in: Sequence[str] = (),
) -> Offer:
    """Staff ask only on an open case of a customer whose package includes remote access."""
    if customer_name is None:
        return Offer(
            Conflict("Match this case to a customer before asking for remote access.", field="case")
        )
    if not case_open:
        return Offer(
            Conflict(
                "This case is resolved or closed, so remote access is not asked for on it. If "
                "access is still needed, reopen the case first.",
                field="case",
            )
        )
    if not included:
        names = list(included_in)
        where = (
            f" It is included in {' and '.join([', '.join(names[:-1]), names[-1]])}."
            if len(names) > 1
            else f" It is included in {names[0]}."
            if names
            else ""
        )
        package = f" ({package_name})" if package_name else ""
        return Offer(
            NotIncludedForStaff(
                f"{customer_name}'s package{package} does not include remote-access support, "
                f"so access cannot be asked for on this case.{where} Their account manager "
                "can offer an upgrade; until then, work with screenshots, logs or a screen "
                "share the customer runs.",
                field="case",
                feature="remote_access_support",
                included_in=names,
            )
        )
    return Offer()
