from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from successdesk.domain.entitlements import Entitlements, NotEntitled
from successdesk.domain.errors import DomainError, InvalidInput
from successdesk.domain.intake import (
    Channel,
    PhoneLine,
    Severity1RequiresPhone,
    Source,
    check_intake,
    check_severity,
)
from tests.domain.test_entitlements import premier

OPEN = PhoneLine(number="1-888-689-0758 x115", hours="Mon–Fri", open_now=True, next_open=None)
CLOSED = replace(OPEN, open_now=False, next_open=datetime(2026, 11, 30, 13, tzinfo=UTC))


@pytest.mark.parametrize("source", [Source.PORTAL, Source.CONTACT_FORM, Source.API])
def test_severity_1_off_the_phone_is_refused_with_the_line_and_its_state(source: Source) -> None:
    with pytest.raises(Severity1RequiresPhone) as info:
        check_intake(source=source, severity=1, phone=CLOSED, entitlements=None)
    error = info.value
    assert error.code == "severity_1_requires_phone"
    assert (
        "1-888-689-0758 x115" in error.message
        and "closed now; it opens Mon 30 Nov" in error.message
    )
    assert error.extra["phone_open_now"] is False
    assert error.extra["phone_next_open"] == "2026-11-30T13:00:00+00:00"


def test_severity_1_by_phone_is_accepted_and_the_phone_lookup_is_lazy() -> None:
    def never() -> PhoneLine:
        raise AssertionError("an accepted case needs no phone lookup")

    check_intake(source=Source.PHONE, severity=1, phone=never, entitlements=premier())
    with pytest.raises(Severity1RequiresPhone) as info:
        check_intake(source=Source.API, severity=1, phone=lambda: OPEN, entitlements=None)
    assert "the line is open now" in info.value.message
    assert info.value.extra["phone_next_open"] is None


@pytest.mark.parametrize("severity", [0, 5, -1])
def test_a_severity_outside_1_to_4_is_refused_naming_the_field(severity: int) -> None:
    with pytest.raises(InvalidInput) as info:
        check_severity(severity)
    assert info.value.field == "severity"


def test_a_channel_the_package_lacks_is_refused_naming_the_packages_that_have_it() -> None:
    web_only: Entitlements = replace(premier(), channels=frozenset({"web", "phone"}))
    with pytest.raises(NotEntitled) as info:
        check_intake(
            source=Source.API,
            severity=2,
            phone=OPEN,
            entitlements=web_only,
            included_in=lambda: ["Premier Success Plus"],
        )
    assert "Premier Success Plus" in info.value.message
    check_intake(source=Source.PORTAL, severity=2, phone=OPEN, entitlements=web_only)


def test_sources_belong_to_channels_with_labels() -> None:
    assert Source.CONTACT_FORM.channel is Channel.WEB
    assert Source.PHONE.channel is Channel.PHONE
    assert [c.label for c in Channel] == ["Web", "Telephone", "API"]


def test_a_domain_error_becomes_problem_members_with_its_field_and_extras() -> None:
    error = DomainError("Nope.", field="subject", hint="shorter")
    assert error.as_problem() == {
        "title": "The request breaks a business rule",
        "status": 422,
        "detail": "Nope.",
        "code": "domain_error",
        "field": "subject",
        "hint": "shorter",
    }
    assert "field" not in DomainError("Nope.").as_problem()
