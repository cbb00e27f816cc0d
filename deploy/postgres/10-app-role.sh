#!/bin/sh
# The role the web app and the workers connect as (docker-compose.yml). It owns no table, so it
# can neither drop nor disable the audit log's triggers; `migrate`, run as the owner with
# DATABASE_APP_ROLE set, grants it normal rights on every table but INSERT and SELECT only on
# the audit log (wsis/audit/roles.py).
# The postgres image runs this once, on a new data volume; on an existing one, run it by hand:
#   docker compose exec postgres sh /docker-entrypoint-initdb.d/10-app-role.sh
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    --set=role="${APP_DB_ROLE:-wsis_app}" --set=password="$APP_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I', :'role')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')
\gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L',
              :'role', :'password')
\gexec
SQL
