"""The remote-access grant table: what may happen to a grant in each phase, when it gives
access, and when staff may ask at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from successdesk.domain.errors import DomainError
from successdesk.domain.remote_access import (
    GrantAction,
    GrantPhase,
    GrantState,
    ends_with_case,
    grant_is_active,
    grant_phase,
    grant_step,
    request_offer,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=4)


def test_an_approved_grant_is_active_strictly_before_its_end_and_expired_from_it() -> None:
    assert grant_phase("approved", LATER, NOW) is GrantPhase.ACTIVE
    assert grant_is_active("approved", LATER, LATER - timedelta(microseconds=1))
    assert grant_phase("approved", LATER, LATER) is GrantPhase.EXPIRED
    assert grant_phase("approved", None, NOW) is GrantPhase.EXPIRED
    assert not grant_is_active("pending", None, NOW)


@pytest.mark.parametrize(
    ("state", "expires_at", "action", "to"),
    [
        ("pending", None, GrantAction.APPROVE, GrantState.APPROVED),
        ("pending", None, GrantAction.DENY, GrantState.DENIED),
        ("pending", None, GrantAction.WITHDRAW, GrantState.WITHDRAWN),
        ("pending", None, GrantAction.CASE_ENDED, GrantState.ENDED),
        ("approved", LATER, GrantAction.REVOKE, GrantState.REVOKED),
        ("approved", LATER, GrantAction.CASE_ENDED, GrantState.ENDED),
    ],
)
def test_the_allowed_steps(
    state: str, expires_at: datetime | None, action: GrantAction, to: GrantState
) -> None:
    assert grant_step(state, action, expires_at=expires_at, at=NOW) is to


@pytest.mark.parametrize(
    ("state", "expires_at", "action", "words"),
    [
        ("approved", NOW, GrantAction.REVOKE, "is expired: there is nothing to revoke"),
        ("approved", LATER, GrantAction.APPROVE, "is active: there is nothing to decide"),
        ("pending", None, GrantAction.REVOKE, "waiting for approval: there is nothing to revoke"),
        ("ended", None, GrantAction.APPROVE, "ended with the case: there is nothing to decide"),
        ("denied", None, GrantAction.CASE_ENDED, "is denied"),
    ],
)
def test_a_step_a_phase_does_not_allow_is_refused_saying_why(
    state: str, expires_at: datetime | None, action: GrantAction, words: str
) -> None:
    with pytest.raises(DomainError) as info:
        grant_step(state, action, expires_at=expires_at, at=NOW)
    assert info.value.code == "remote_access_not_actionable" and words in info.value.message


def test_the_case_s_end_ends_pending_and_active_grants_only() -> None:
    assert ends_with_case("pending", None, NOW) and ends_with_case("approved", LATER, NOW)
    for state, expires_at in (("approved", NOW), ("revoked", None), ("ended", None)):
        assert not ends_with_case(state, expires_at, NOW)


def test_staff_ask_only_on_an_open_case_of_a_customer_whose_package_includes_it() -> None:
    yes = request_offer(case_open=True, customer_name="Acme", package_name="Plus", included=True)
    assert yes.allowed and yes.reason == ""
    no_customer = request_offer(
        case_open=True, customer_name=None, package_name=None, included=False
    )
    assert not no_customer.allowed and "Match this case to a customer" in no_customer.reason
    closed = request_offer(case_open=False, customer_name="Acme", package_name=None, included=True)
    assert "resolved or closed" in closed.reason


@pytest.mark.parametrize(
    ("package", "included_in", "words"),
    [
        ("Standard", ["Premier", "Plus"], "Acme's package (Standard) does not include"),
        ("Standard", ["A", "B", "C"], "It is included in A, B and C."),
        (None, ["Plus"], "Acme's package does not include remote-access support"),
        (None, [], "so access cannot be asked for on this case. Their account manager"),
    ],
)
def test_a_package_without_remote_access_is_explained_to_staff_not_as_to_the_customer(
    package: str | None, included_in: list[str], words: str
) -> None:
    offer = request_offer(
        case_open=True,
        customer_name="Acme",
        package_name=package,
        included=False,
        included_in=included_in,
    )
    assert offer.refusal is not None and offer.refusal.code == "not_entitled"
    assert words in offer.reason and "Your package" not in offer.reason
