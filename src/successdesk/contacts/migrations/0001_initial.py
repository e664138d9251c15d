"""The designated-contact models, moved from ``accounts`` (issue 15) with their tables:
this adds them to the contacts app's migration state only (the tables were created by
``accounts/migrations/0002`` and ``0004`` and keep their names, ``db_table``), and moves
their content types (so permissions and admin history) to the new app label."""

from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import successdesk.contacts.models

MOVED = ("designatedcontact", "designatedcontactfee", "trainingcourse", "trainingcompletion")


def _content_types(apps: Any, source: str, target: str) -> None:
    """Relabel the moved models' content types from ``source`` to ``target`` (where the
    target has none yet: a fresh database gets its own after migrating)."""
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = set(
        content_type.objects.filter(app_label=target, model__in=MOVED).values_list(
            "model", flat=True
        )
    )
    content_type.objects.filter(app_label=source, model__in=set(MOVED) - taken).update(
        app_label=target
    )


def _forwards(apps: Any, schema_editor: Any) -> None:
    _content_types(apps, "accounts", "contacts")


def _backwards(apps: Any, schema_editor: Any) -> None:
    _content_types(apps, "contacts", "accounts")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0004_fee_once_per_person_and_term"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TrainingCourse",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=160, unique=True)),
                        ("slug", models.SlugField(max_length=80, unique=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("basic", "Basic online training"),
                                    ("supplemental", "Supplemental training"),
                                ],
                                default="supplemental",
                                max_length=20,
                            ),
                        ),
                        (
                            "required_for_designated_contacts",
                            models.BooleanField(
                                default=False,
                                help_text="Supplemental courses only: required before a user can be designated. Basic courses are always required.",
                            ),
                        ),
                        ("description", models.TextField(blank=True)),
                    ],
                    options={
                        "db_table": "accounts_trainingcourse",
                        "ordering": ["kind", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="DesignatedContact",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("since", models.DateTimeField(default=django.utils.timezone.now)),
                        ("removed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "customer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="designated_contacts",
                                to="accounts.customer",
                            ),
                        ),
                        (
                            "designated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "removed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "replaces",
                            models.ForeignKey(
                                blank=True,
                                help_text="The designation whose responsibilities were transferred to this one.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="contacts.designatedcontact",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="designations",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_designatedcontact",
                        "ordering": ["since", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="DesignatedContactFee",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "position",
                            models.PositiveSmallIntegerField(
                                help_text="6 for the 6th designated contact…"
                            ),
                        ),
                        ("amount", models.DecimalField(decimal_places=2, max_digits=10)),
                        (
                            "currency",
                            models.CharField(
                                default=successdesk.contacts.models.vendor_currency,
                                help_text="ISO 4217.",
                                max_length=3,
                            ),
                        ),
                        ("period_start", models.DateField()),
                        ("period_end", models.DateField()),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "customer",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="contact_fees",
                                to="accounts.customer",
                            ),
                        ),
                        (
                            "designation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="fees",
                                to="contacts.designatedcontact",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_designatedcontactfee",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="TrainingCompletion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("completed_on", models.DateField()),
                        ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="training",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "course",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="contacts.trainingcourse",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_trainingcompletion",
                        "ordering": ["user__email", "course__name"],
                    },
                ),
                migrations.AddIndex(
                    model_name="designatedcontact",
                    index=models.Index(
                        fields=["customer", "removed_at"], name="designation_by_customer"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="designatedcontact",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("removed_at__isnull", True)),
                        fields=("user",),
                        name="one_active_designation_per_user",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="designatedcontact",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("removed_at__isnull", True),
                            ("removed_at__gte", models.F("since")),
                            _connector="OR",
                        ),
                        name="designation_removed_after_since",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="designatedcontactfee",
                    constraint=models.UniqueConstraint(
                        fields=("customer", "user", "period_start"),
                        name="one_fee_per_person_and_term",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="designatedcontactfee",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("period_end__gte", models.F("period_start"))),
                        name="fee_period_ends_after_start",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="trainingcompletion",
                    constraint=models.UniqueConstraint(
                        fields=("user", "course"), name="one_completion_per_course"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(_forwards, _backwards),
    ]
