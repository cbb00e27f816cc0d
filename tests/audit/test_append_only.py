"""The audit log is append-only in the database: against every client for UPDATE, DELETE and
TRUNCATE (triggers), and against the role the app runs as in production for dropping or
disabling those triggers too (it does not own the table: ``wsis/audit/roles.py``)."""

import uuid

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import DatabaseError, connection, transaction

from wsis.audit.models import AuditEvent, record
from wsis.drafts.models import Consultation

REFUSED_BY_TRIGGER = "P0001"  # raise_exception
NO_PRIVILEGE = "42501"  # insufficient_privilege, or not the owner


def sql(statement, *params):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def refused(statement) -> str:
    """The SQLSTATE with which ``statement`` is refused; what it did is rolled back."""
    with pytest.raises(DatabaseError) as error, transaction.atomic():
        sql(statement)
    return error.value.__cause__.sqlstate


@pytest.fixture
def event(consultation):
    return record("consultation.tested", consultation)


@pytest.mark.django_db
def test_the_triggers_refuse_update_delete_and_truncate_even_to_the_owner(event):
    assert refused("UPDATE audit_auditevent SET action = 'forged'") == REFUSED_BY_TRIGGER
    assert refused("DELETE FROM audit_auditevent") == REFUSED_BY_TRIGGER
    # Else the event's deferred foreign-key checks, pending in the test's transaction, would
    # stop TRUNCATE before the trigger does.
    sql("SET CONSTRAINTS ALL IMMEDIATE")
    assert refused("TRUNCATE audit_auditevent") == REFUSED_BY_TRIGGER
    assert refused("TRUNCATE audit_auditevent CASCADE") == REFUSED_BY_TRIGGER
    assert AuditEvent.objects.get().action == "consultation.tested"


@pytest.fixture
def app_role(settings, db):
    """A role granted what ``migrate`` grants the app's role. Roles belong to the whole cluster,
    which other test databases share: a unique name, created in the test's transaction, so that
    it goes when the transaction is rolled back, whatever happens."""
    role = f"test_app_{uuid.uuid4().hex[:12]}"
    sql(f'CREATE ROLE "{role}" NOLOGIN')
    settings.DATABASE_APP_ROLE = role
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    return role


@pytest.fixture
def as_app_role(app_role, event):
    sql(f'SET LOCAL ROLE "{app_role}"')
    yield
    sql("RESET ROLE")


@pytest.mark.django_db
def test_the_app_role_can_only_append_to_the_audit_log_and_not_lift_its_guards(as_app_role, event):
    assert sql("SELECT current_user")[0][0].startswith("test_app_")
    for statement in (
        "UPDATE audit_auditevent SET action = 'forged'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        "DROP TRIGGER audit_event_append_only ON audit_auditevent",
        "DROP TRIGGER audit_event_no_truncate ON audit_auditevent",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "DROP FUNCTION audit_event_append_only() CASCADE",
    ):
        assert refused(statement) == NO_PRIVILEGE, statement
    # What the app does with it: append and read.
    record("consultation.tested_again", event)
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "consultation.tested_again",
        "consultation.tested",
    ]


@pytest.mark.django_db
def test_the_app_role_keeps_normal_rights_on_the_other_tables(as_app_role, consultation):
    Consultation.objects.filter(pk=consultation.pk).update(title="Renamed")
    other = Consultation.objects.create(slug="other", title="Other")
    other.delete()
    assert list(Consultation.objects.values_list("title", flat=True)) == ["Renamed"]
