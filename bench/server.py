"""Gunicorn with the production settings, on the benchmark's database, for load benchmarks.

``asgi=True`` runs it as production does since the live room (uvicorn workers on
``wsis.asgi``, every request but the room's streams in threads as under WSGI); the older
benchmarks keep the sync or threaded WSGI workers their recorded figures were measured on."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from wsis.embedded import database_url

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The benchmark servers' signing key: ``signed_in`` signs their sessions with it.
SECRET_KEY = "benchmark-only-secret-key-" + "x" * 40


def production_env(static_root: str) -> dict:
    url = database_url(connection.settings_dict)
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=url,
        STATIC_ROOT=static_root,
        AXES_ENABLED="0",
        LOG_LEVEL="WARNING",
    )
    return env


@contextmanager
def gunicorn(
    workers: int = 2, threads: int = 1, settings: str = "wsis.settings", *, asgi: bool = False
):
    """Yield the base URL of a running gunicorn; stop it afterwards."""
    with tempfile.TemporaryDirectory() as static_root:
        env = production_env(static_root)
        env["DJANGO_SETTINGS_MODULE"] = settings
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        port = free_port()
        command = [
            sys.executable, "-m", "gunicorn", "wsis.asgi:application" if asgi else "wsis.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers),
            "--backlog", "2048",
            "--log-level", "warning",
        ]  # fmt: skip
        if asgi:
            command += ["--worker-class", "uvicorn_worker.UvicornWorker"]
        elif threads > 1:
            command += ["--worker-class", "gthread", "--threads", str(threads)]
        process = subprocess.Popen(command, cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 - localhost
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise RuntimeError("gunicorn did not start")
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


def signed_in(users) -> list[tuple[str, dict]]:
    """A session for each of ``users``, as signing in on a benchmark server makes it, written
    straight to the database: in the last hour before a deadline people are signed in already,
    and hashing a thousand passwords through the sign-in page would take the machine minutes.
    For the load generator's ``sessions``: (username, cookies)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import override_settings

    sessions = []
    with override_settings(SECRET_KEY=SECRET_KEY):
        for user in users:
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            sessions.append((user.get_username(), {"sessionid": session.session_key}))
    return sessions


def load(config: dict) -> dict:
    """Run the load generator (a second process) with ``config``, given on its standard input
    (a thousand sessions would not fit on its command line)."""
    import json

    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "loadgen.py")],
        input=json.dumps(config),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)
