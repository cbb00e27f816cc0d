from django.db import migrations

GROUPS = [
    ("member_state", "Member State"),
    ("observer_state", "Observer State"),
    ("un_system", "UN system and intergovernmental organisation"),
    ("private_sector", "Private sector"),
    ("civil_society", "Civil society"),
    ("technical", "Technical community"),
    ("academic", "Academic community"),
]


def create_groups(apps, schema_editor):
    StakeholderGroup = apps.get_model("stakeholders", "StakeholderGroup")
    for order, (code, name) in enumerate(GROUPS, start=1):
        StakeholderGroup.objects.update_or_create(
            code=code, defaults={"name": name, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0001_initial")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
