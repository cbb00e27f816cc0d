"""Real ``celery -A wsis worker`` processes on the configured Redis broker.

Slow (a worker starts in seconds, a render takes several): run with ``-m worker``.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import group
from tests.reports.conftest import add_entry
from tests.reports.helpers import pdf_text
from wsis.celery import app
from wsis.comments.models import Entry
from wsis.embedded import database_url
from wsis.reports.compilation import Options
from wsis.reports.models import ReportJob
from wsis.reports.services import ask_for_report
from wsis.reports.tasks import LOCK_NAMESPACE, PART_LOCK_NAMESPACE, locks_held, render_report
from wsis.stakeholders.models import Organisation

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def start_worker(media, tmp_path):
    """``start_worker(concurrency)``: a worker process on this test database and broker."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("worker tests need REDIS_URL (a broker shared between processes)")
    app.control.purge()
    database = connection.settings_dict
    env = os.environ | {
        "DATABASE_URL": database_url(database),
        "MEDIA_ROOT": str(media),
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "LOG_LEVEL": "WARNING",
    }
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    workers = []

    def start(concurrency=1, loglevel="WARNING", **extra_env):
        log_path = tmp_path / f"worker-{len(workers)}.log"
        log = open(log_path, "w")  # noqa: SIM115
        process = subprocess.Popen(
            [str(CELERY), "-A", "wsis", "worker", "--concurrency", str(concurrency)]
            + ["--hostname", f"test-{uuid.uuid4().hex[:8]}@%h", "--without-gossip"]
            + ["--without-mingle", "--loglevel", loglevel],
            cwd=ROOT,
            env=env | extra_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log_path = log_path
        workers.append(process)
        return process

    yield start
    for process in workers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    app.control.purge()


def wait_for(job, states, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in states:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job.pk} still {job.state} after {timeout}s")


def ask(version, facilitator, kind="compilation", fmt="pdf"):
    return ask_for_report(
        user=facilitator.user,
        version=version,
        kind=kind,
        fmt=fmt,
        options=Options(),
        language="en",
    )


def files_in(media):
    return sorted(p.name for p in (Path(media) / "reports").iterdir())


def test_a_worker_renders_a_job_delivered_twice(version, entries, facilitator, media, start_worker):
    asked = ask(version, facilitator)
    assert asked.sent
    render_report.delay(asked.job.pk)  # the broker hands the same job out a second time
    start_worker(concurrency=2)
    job = wait_for(asked.job, {"done", "failed"})
    assert (job.state, job.error) == ("done", "")
    finished = job.finished
    time.sleep(3)  # let the second delivery run its course
    job.refresh_from_db()
    assert job.finished == finished
    assert files_in(media) == [Path(job.file.name).name]
    text = " ".join(pdf_text(job.path).split())
    assert "OP31 bis" in text and "Kenya (Member State) · amendment" in text
    assert f"page 1 of {job.pages}" in text


def test_a_job_survives_its_worker_killed_mid_render(version, facilitator, media, start_worker):
    job = ask_for_long_compilation(version, facilitator)
    first = start_worker()
    wait_for(job, {"rendering"}, timeout=120)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)
    job.refresh_from_db()
    assert job.state == "rendering"
    assert not (Path(media) / "reports" / Path(job.file_name).name).exists()
    start_worker()
    job = wait_for(job, {"done", "failed"}, timeout=240)
    assert (job.state, job.error) == ("done", "")
    # The dead worker's temporary file may stay behind; the report itself is whole.
    assert Path(job.file.name).name in files_in(media)
    assert job.path.read_bytes().rstrip().endswith(b"%%EOF")


def test_two_workers_share_a_compilation_split_in_parts(
    version, entries, facilitator, start_worker
):
    asked = ask(version, facilitator)
    for _ in range(2):
        start_worker(REPORT_SPLIT_MIN_ENTRIES="1", REPORT_PARTS="2")
    job = wait_for(asked.job, {"done", "failed"})
    assert (job.state, job.error) == ("done", "")
    assert job.parts.filter(done=True).count() == 2
    text = " ".join(pdf_text(job.path).split())
    assert f"page {job.pages} of {job.pages}" in text and "OP31 bis" in text


def ask_for_long_compilation(version, facilitator, fmt="pdf"):
    # An amendment on every paragraph makes a render last long enough to be interrupted.
    kenya = Organisation.objects.create(name="Kenya", acronym="KEN", group=group("member_state"))
    for paragraph in version.paragraphs.all():
        add_entry(version, paragraph.label, kenya, Entry.Kind.AMENDMENT, paragraph.text + " Add.")
    return ask(version, facilitator, fmt=fmt).job


def backend_holding_the_lock(job) -> int | None:
    """The Postgres backend of the worker rendering ``job``: it holds the job's advisory lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s"
            " AND objid = %s AND granted AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())",
            [LOCK_NAMESPACE, job.pk],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def wait_until(condition, timeout=120, every=0.05):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(every)


def test_a_merge_begun_early_survives_the_worker_it_waits_for_dying(
    version, facilitator, media, start_worker
):
    split = {"REPORT_SPLIT_MIN_ENTRIES": "1", "REPORT_PARTS": "2", "CELERY_VISIBILITY_TIMEOUT": "3"}
    workers = [start_worker(loglevel="INFO", **split) for _ in range(2)]
    wait_until(lambda: len(app.control.ping(timeout=0.5)) == 2, timeout=60, every=0.5)
    job = ask_for_long_compilation(version, facilitator)
    wait_until(lambda: job.parts.count() == 2)
    parts = [part.pk for part in job.parts.all()]
    # Both parts in hand: freeze one worker mid-render. It keeps its part's lock, so the
    # other, its own part done, begins the merge and waits for it.
    wait_until(lambda: locks_held(PART_LOCK_NAMESPACE, parts) == set(parts))
    frozen = workers[1]
    os.killpg(frozen.pid, signal.SIGSTOP)
    wait_until(lambda: job.parts.filter(done=True).count() == 1)
    wait_until(lambda: locks_held(LOCK_NAMESPACE, [job.pk]))
    # The frozen worker dies: its lock goes with its connection, its part's message comes back.
    os.killpg(frozen.pid, signal.SIGKILL)
    frozen.wait(10)
    start_worker(**split)  # takes the unacknowledged part once its visibility time is over
    job = wait_for(job, {"done", "failed"}, timeout=240)
    assert (job.state, job.error) == ("done", "")
    log = workers[0].log_path.read_text()
    # The merge begun early stopped when no worker held the part any more; the part's next
    # worker asked for it again.
    assert re.search(r"merge_report\[[-\w]+\] succeeded in [\d.]+s: 'waiting for parts'", log), log
    text = " ".join(pdf_text(job.path).split())
    assert f"page 1 of {job.pages}" in text and f"page {job.pages} of {job.pages}" in text
    assert job.parts.filter(done=True).count() == 2


def test_a_render_whose_database_connection_dies_is_retried_and_completes(
    version, facilitator, media, start_worker
):
    job = ask_for_long_compilation(version, facilitator)
    worker = start_worker(loglevel="INFO")
    wait_for(job, {"rendering"}, timeout=120)
    deadline = time.monotonic() + 30
    while (pid := backend_holding_the_lock(job)) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pid is not None
    # What a failover or a restarted database does to a worker: its connection is cut.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0]
    job = wait_for(job, {"done", "failed"}, timeout=240)
    assert (job.state, job.error) == ("done", "")
    log = worker.log_path.read_text()
    # The first attempt raised the connection error and was retried after a backoff.
    assert re.search(r"render_report\[[-\w]+\] retry: Retry in 5s", log), log
    assert "OperationalError" in log or "InterfaceError" in log
    assert log.count("succeeded in") == 1 and "'done'" in log
    assert job.path.read_bytes().rstrip().endswith(b"%%EOF")
    assert files_in(media) == [Path(job.file.name).name]


def test_a_bad_job_fails_at_once_without_retrying(version, facilitator, media, start_worker):
    asked = ask(version, facilitator, kind="entries", fmt="csv")
    ReportJob.objects.filter(pk=asked.job.pk).update(format="odt")  # no such renderer
    worker = start_worker(loglevel="INFO")
    job = wait_for(asked.job, {"done", "failed"})
    assert job.state == "failed" and "Unknown format: odt" in job.error
    time.sleep(6)  # longer than the first backoff: a retry would have run by now
    job.refresh_from_db()
    assert job.state == "failed"
    log = worker.log_path.read_text()
    assert "retry:" not in log
    assert log.count("render_report[") == 2  # received once, finished once
    assert re.search(r"render_report\[[-\w]+\] succeeded in [\d.]+s: 'failed'", log), log
