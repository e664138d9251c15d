"""Files written before an intake's transaction (``uploads_store``) and left behind when it
rolls back are removed by the ``orphan_uploads`` sweep; referenced and recent files stay."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection

from successdesk.accounts.models import Customer, User
from successdesk.cases.models import Attachment, Case
from successdesk.intake.services import CaseDraft, case_open_portal
from successdesk.ops.sweeps import SWEEPS

# A trigger that makes the database refuse every attachment row, on either database.
REFUSE_ATTACHMENTS = {
    "sqlite": [
        "CREATE TRIGGER refuse_attachment BEFORE INSERT ON cases_attachment "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_attachment() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
        "CREATE TRIGGER refuse_attachment BEFORE INSERT ON cases_attachment "
        "FOR EACH ROW EXECUTE FUNCTION refuse_attachment()",
    ],
}
ALLOW_ATTACHMENTS = {
    "sqlite": "DROP TRIGGER refuse_attachment",
    "postgresql": "DROP FUNCTION refuse_attachment() CASCADE",
}


def _draft(name: str) -> CaseDraft:
    log = SimpleUploadedFile(name, b"ERROR 500 at /refer\n", content_type="text/plain")
    return CaseDraft(
        subject="Referral links broken", description="A 404.", severity=3, attachments=[log]
    )


def _files(media: Path) -> set[Path]:
    return {p for p in (media / "attachments").rglob("*") if p.is_file()}


def _age(paths: set[Path], hours: float) -> None:
    then = time.time() - hours * 3600
    for path in paths:
        os.utime(path, (then, then))


@pytest.mark.django_db(transaction=True)
def test_the_sweep_removes_the_file_of_a_rolled_back_intake_and_keeps_a_referenced_one(
    premier_northwind: Customer, northwind_user: User, media_root: Any
) -> None:
    kept = case_open_portal(draft=_draft("kept.log"), requester=northwind_user)
    referenced = _files(media_root)
    assert len(referenced) == 1

    # The database refuses the attachment row: the intake rolls back after its file is written.
    with connection.cursor() as cursor:
        for statement in REFUSE_ATTACHMENTS[connection.vendor]:
            cursor.execute(statement)
    try:
        with pytest.raises(DatabaseError):
            case_open_portal(draft=_draft("lost.log"), requester=northwind_user)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(ALLOW_ATTACHMENTS[connection.vendor])
    assert list(Case.objects.values_list("number", flat=True)) == [kept.number]
    orphan = _files(media_root) - referenced
    assert len(orphan) == 1

    assert SWEEPS["orphan_uploads"]() == 0  # younger than an hour: its intake may be running
    _age(orphan | referenced, hours=2)
    assert SWEEPS["orphan_uploads"]() == 1
    assert _files(media_root) == referenced
    attachment = Attachment.objects.get(case=kept)
    assert attachment.file.read() == b"ERROR 500 at /refer\n"
