"""The designated-contact models moved from ``accounts`` to ``contacts`` without touching
the database: a database written by the old migrations keeps its tables and rows, and the
contacts app reads them after ``migrate``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from successdesk.contacts.models import (
    DesignatedContact,
    DesignatedContactFee,
    TrainingCompletion,
    TrainingCourse,
)
from successdesk.contacts.selectors import is_designated_contact

BEFORE_THE_MOVE = [("accounts", "0004_fee_once_per_person_and_term"), ("contacts", None)]
TABLES = {
    "accounts_designatedcontact",
    "accounts_designatedcontactfee",
    "accounts_trainingcourse",
    "accounts_trainingcompletion",
}
MOVED = ("designatedcontact", "designatedcontactfee", "trainingcourse", "trainingcompletion")


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db
def test_the_models_match_their_migrations() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_the_moved_models_keep_the_tables_they_had_in_accounts() -> None:
    tables = {m._meta.db_table for m in (DesignatedContact, DesignatedContactFee)} | {
        m._meta.db_table for m in (TrainingCourse, TrainingCompletion)
    }
    assert tables == TABLES
    assert set(connection.introspection.table_names()) >= TABLES
    assert not [t for t in connection.introspection.table_names() if t.startswith("contacts_")]


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_the_contacts_apps_after_migrate() -> None:
    executor = _migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state(BEFORE_THE_MOVE[0]).apps
    customer = old.get_model("accounts", "Customer").objects.create(name="Fabrikam", slug="fab")
    user = old.get_model("accounts", "User").objects.create(
        email="dc@fabrikam.example", customer=customer
    )
    course = old.get_model("accounts", "TrainingCourse").objects.create(
        name="Basics", slug="basics", kind="basic"
    )
    old.get_model("accounts", "TrainingCompletion").objects.create(
        user=user, course=course, completed_on=date(2026, 1, 5)
    )
    designation = old.get_model("accounts", "DesignatedContact").objects.create(
        customer=customer, user=user
    )
    old.get_model("accounts", "DesignatedContactFee").objects.create(
        customer=customer,
        user=user,
        designation=designation,
        position=6,
        amount=Decimal("500.00"),
        currency="EUR",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    # The content types as a database migrated before the move has them (migrating back
    # relabelled them).
    ContentType.objects.filter(app_label="contacts").delete()
    old_types = {
        name: ContentType.objects.get_or_create(app_label="accounts", model=name)[0].pk
        for name in MOVED
    }

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    moved = DesignatedContact.objects.select_related("user").get()
    assert (moved.pk, moved.user.email) == (designation.pk, "dc@fabrikam.example")
    assert is_designated_contact(moved.user)
    fee = DesignatedContactFee.objects.get()
    assert (fee.designation_id, fee.amount_display) == (designation.pk, "500.00 EUR")
    assert TrainingCompletion.objects.get().course == TrainingCourse.objects.get(slug="basics")
    # Same content types (and so permissions and admin history), under their new app.
    assert {ct.model: ct.pk for ct in ContentType.objects.filter(app_label="contacts")} == old_types
    assert not ContentType.objects.filter(app_label="accounts", model__in=MOVED).exists()


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_migrated_back() -> None:
    _migrate(BEFORE_THE_MOVE)
    assert set(connection.introspection.table_names()) >= TABLES
    assert set(ContentType.objects.filter(model__in=MOVED).values_list("app_label", flat=True)) <= {
        "accounts"
    }
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert set(connection.introspection.table_names()) >= TABLES
