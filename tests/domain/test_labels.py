from __future__ import annotations

import pytest

from successdesk.domain.labels import code_label
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
