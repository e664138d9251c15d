"""Designated contacts, their fees and training moved to the ``contacts`` app (issue 15):
they leave accounts' migration state only. Their tables stay as they are and are now the
contacts models' (``contacts/migrations/0001_initial.py``, ``db_table``)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_fee_once_per_person_and_term"),
        ("contacts", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(
                    model_name="designatedcontact",
                    name="designation_by_customer",
                ),
                migrations.RemoveConstraint(
                    model_name="designatedcontact",
                    name="one_active_designation_per_user",
                ),
                migrations.RemoveConstraint(
                    model_name="designatedcontact",
                    name="designation_removed_after_since",
                ),
                migrations.RemoveConstraint(
                    model_name="designatedcontactfee",
                    name="fee_period_ends_after_start",
                ),
                migrations.RemoveConstraint(
                    model_name="designatedcontactfee",
                    name="one_fee_per_person_and_term",
                ),
                migrations.RemoveConstraint(
                    model_name="trainingcompletion",
                    name="one_completion_per_course",
                ),
                migrations.RemoveField(
                    model_name="designatedcontactfee",
                    name="customer",
                ),
                migrations.RemoveField(
                    model_name="designatedcontactfee",
                    name="designation",
                ),
                migrations.RemoveField(
                    model_name="designatedcontactfee",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="trainingcompletion",
                    name="course",
                ),
                migrations.RemoveField(
                    model_name="trainingcompletion",
                    name="recorded_by",
                ),
                migrations.RemoveField(
                    model_name="trainingcompletion",
                    name="user",
                ),
                migrations.DeleteModel(
                    name="DesignatedContact",
                ),
                migrations.DeleteModel(
                    name="DesignatedContactFee",
                ),
                migrations.DeleteModel(
                    name="TrainingCourse",
                ),
                migrations.DeleteModel(
                    name="TrainingCompletion",
                ),
            ],
            database_operations=[],
        ),
    ]
