from django.db import migrations


def create_sequence(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("cases", "CaseSequence").objects.get_or_create(name="case")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(create_sequence, migrations.RunPython.noop)]
