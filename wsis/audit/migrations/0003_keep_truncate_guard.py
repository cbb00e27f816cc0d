from django.db import migrations

# Row triggers do not fire on TRUNCATE: this statement trigger refuses it with the same function.
# The owner of the table can still drop or disable it, which is why the app connects as a role
# that does not own the table (wsis/audit/roles.py).
FORBID = """
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
"""
ALLOW = "DROP TRIGGER audit_event_no_truncate ON audit_auditevent;"


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [migrations.RunSQL(FORBID, ALLOW)]
