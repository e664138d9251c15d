from __future__ import annotations

from datetime import timedelta

import pytest

from successdesk.domain.labels import code_label, duration_words
from successdesk.domain.lifecycle import CaseStatus
from successdesk.domain.service_flow import RequestStatus


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("first_response", "First response"),
        ("in_progress", "In progress"),
        ("sla_breached", "SLA breached"),
        ("remote_access_approved", "Remote access approved"),
        ("csv_import", "CSV import"),
        ("mass_csv_upload", "Mass CSV upload"),
        ("designated_contact.transfer", "Designated contact transfer"),
        ("", ""),
    ],
)
def test_a_stored_code_reads_as_words(code: str, label: str) -> None:
    assert code_label(code) == label


def test_statuses_read_the_same_way_on_cases_and_service_requests() -> None:
    assert CaseStatus.AWAITING_CUSTOMER.label == "Awaiting customer"
    assert RequestStatus.IN_PROGRESS.label == "In progress"


@pytest.mark.parametrize(
    ("value", "business", "words"),
    [
        (timedelta(hours=4), True, "4 business hours"),
        (timedelta(hours=1, minutes=30), True, "1 business hour 30 minutes"),
        (timedelta(minutes=45), True, "45 business minutes"),
        (timedelta(hours=36), True, "36 business hours"),
        (timedelta(days=2, hours=3), False, "2 days 3 hours"),
        (timedelta(days=1), False, "1 day"),
        (timedelta(hours=1, minutes=1, seconds=59), False, "1 hour 1 minute"),
        (timedelta(0), False, "0 minutes"),
        (timedelta(minutes=-90), False, "minus 1 hour 30 minutes"),
    ],
)
def test_a_duration_reads_as_words(value: timedelta, business: bool, words: str) -> None:
    assert duration_words(value, business=business) == words
