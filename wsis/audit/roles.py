"""The rights of the role the app connects as, where it is not the owner of the tables.

The owner of the audit table can drop or disable its append-only triggers, so in production
(``docker-compose.yml``) migrations run as the owner and the web app and the workers as another
role, named by ``DATABASE_APP_ROLE``: normal rights on every table, but only INSERT and SELECT on
the audit log. ``migrate`` (re)grants them each time it runs, so tables added later are covered.
"""

AUDIT_TABLE = "audit_auditevent"


def grant_app_role(connection, role: str) -> None:
    role = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        for statement in (
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
            f"REVOKE ALL ON {AUDIT_TABLE} FROM PUBLIC, {role}",
            f"GRANT SELECT, INSERT ON {AUDIT_TABLE} TO {role}",
        ):
            cursor.execute(statement)


def grant_after_migrate(sender, using, **kwargs) -> None:
    from django.conf import settings
    from django.db import connections

    if settings.DATABASE_APP_ROLE:
        grant_app_role(connections[using], settings.DATABASE_APP_ROLE)
