from django.db import migrations

from wsis.stakeholders.groups import ensure_groups


def create_groups(apps, schema_editor):
    ensure_groups(apps.get_model("stakeholders", "StakeholderGroup"))


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0001_initial")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
