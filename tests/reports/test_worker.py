"""Real ``celery worker`` processes (``tests/workers.py``) on the configured Redis broker.

Slow (a worker starts in seconds, a render takes several): run with ``-m worker``. Each test
waits on the job's row, the workers' locks or the events the workers record, never on a fixed
time or on the wording of Celery's log.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import group
from tests.reports.conftest import add_entry
from tests.reports.helpers import pdf_text
from tests.workers import wait_until
from wsis.comments.models import Entry
from wsis.reports.compilation import Options
from wsis.reports.models import ReportJob
from wsis.reports.services import ask_for_report
from wsis.reports.tasks import (
    LOCK_NAMESPACE,
    PART_LOCK_NAMESPACE,
    render_report,
)
from wsis.stakeholders.models import Organisation

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def start_worker(media, start_worker):
    """``start_worker(concurrency=1, **environment)``: a worker on this test's database,
    broker and media folder."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("worker tests need REDIS_URL (a broker shared between processes)")

    def start(concurrency=1, **environment):
        env = {"LOG_LEVEL": "WARNING"} | environment
        return start_worker(concurrency=concurrency, env=env)

    return start


def wait_for(job, states, timeout=180):
    def reached():
        job.refresh_from_db()
        return job.state in states

    wait_until(reached, f"job {job.pk} to be {' or '.join(sorted(states))}", timeout, every=0.2)
    return job


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
    worker = start_worker(concurrency=2)
    job = wait_for(asked.job, {"done", "failed"})
    assert (job.state, job.error) == ("done", "")
    finished = job.finished
    # Both deliveries have run their course: one rendered, the other found the job taken or
    # done.
    outcomes = [run["retval"] for run in worker.finished(render_report, count=2)]
    assert outcomes.count("done") == 1
    assert set(outcomes) - {"done"} <= {"rendering elsewhere", "done already"}
    job.refresh_from_db()
    assert job.finished == finished
    assert files_in(media) == [Path(job.file.name).name]
    text = " ".join(pdf_text(job.path).split())
    assert "OP31 bis" in text and "Kenya (Member State) · amendment" in text
    assert f"page 1 of {job.pages}" in text


@pytest.mark.faults  # a worker, or its connection, dies
def test_a_job_survives_its_worker_killed_mid_render(version, facilitator, media, start_worker):
    job = ask(version, facilitator).job
    # A message left unacknowledged comes back after five seconds. The first worker stops
    # itself at 35 %, the PDF's temporary file made and its layout about to begin
    # (tests/worker_app.py), and is killed there.
    first = start_worker(CELERY_VISIBILITY_TIMEOUT="5", WSIS_WORKER_FREEZE_AT_PROGRESS="35")
    wait_until(
        lambda: [e for e in first.events("progress") if e["percent"] >= 35],
        "the first worker to be mid-render",
        timeout=120,
    )
    first.kill()
    [delivered] = first.events("received", render_report)
    job.refresh_from_db()
    assert job.state == "rendering"
    assert not (Path(media) / "reports" / Path(job.file_name).name).exists()
    assert any(name.endswith(".part") for name in files_in(media))  # under way
    second = start_worker(CELERY_VISIBILITY_TIMEOUT="5")
    job = wait_for(job, {"done", "failed"}, timeout=240)
    assert (job.state, job.error) == ("done", "")
    # The broker handed the dead worker's message out again.
    assert delivered["id"] in {run["id"] for run in second.events("received", render_report)}
    # The dead worker's temporary file may stay behind; the report itself is whole.
    assert Path(job.file.name).name in files_in(media)
    assert job.path.read_bytes().rstrip().endswith(b"%%EOF")


def test_two_workers_share_a_compilation_split_in_parts(
    version, entries, facilitator, start_worker
):
    asked = ask(version, facilitator)
    for _ in range(2):
        start_worker(REPORT_SPLIT_MIN_ENTRIES="1", REPORT_PARTS="2", REPORT_PART_PARAGRAPHS="80")
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


def backend_holding_the_lock(key: int, namespace: int = LOCK_NAMESPACE) -> int | None:
    """The Postgres backend of the worker rendering job (or part) ``key``: it holds the
    advisory lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = %s"
            " AND objid = %s AND granted AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())",
            [namespace, key],
        )
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.mark.faults  # a worker, or its connection, dies
def test_a_part_survives_its_worker_killed_mid_render(version, facilitator, media, start_worker):
    split = {
        "REPORT_SPLIT_MIN_ENTRIES": "1",
        "REPORT_PARTS": "2",
        "REPORT_PART_PARAGRAPHS": "80",
        "CELERY_VISIBILITY_TIMEOUT": "3",
    }
    workers = [start_worker(**split) for _ in range(2)]
    job = ask_for_long_compilation(version, facilitator)
    wait_until(lambda: job.parts.count() == 2, "the job to be cut into two parts")
    parts = [part.pk for part in job.parts.all()]
    wait_until(
        lambda: all(backend_holding_the_lock(pk, PART_LOCK_NAMESPACE) for pk in parts),
        "both parts in hand",
    )
    # One worker dies mid-render: its part's message comes back, to the other worker or to
    # the one started now, and the last part to be done asks for the merge.
    workers[1].kill()
    start_worker(**split)
    job = wait_for(job, {"done", "failed"}, timeout=240)
    assert (job.state, job.error) == ("done", "")
    assert job.parts.filter(done=True).count() == 2
    text = " ".join(pdf_text(job.path).split())
    assert f"page 1 of {job.pages}" in text and f"page {job.pages} of {job.pages}" in text


@pytest.mark.faults  # a worker, or its connection, dies
def test_a_render_whose_database_connection_dies_is_retried_and_completes(
    version, facilitator, media, start_worker
):
    job = ask_for_long_compilation(version, facilitator)
    worker = start_worker()
    wait_for(job, {"rendering"}, timeout=120)
    pid = wait_until(lambda: backend_holding_the_lock(job.pk), "the worker to hold the job's lock")
    # What a failover or a restarted database does to a worker: its connection is cut.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0]
    job = wait_for(job, {"done", "failed"}, timeout=240)
    assert (job.state, job.error) == ("done", "")
    # The first attempt raised the connection error and was retried after a backoff.
    [retry] = worker.events("retry", render_report)
    assert retry["error"] in ("OperationalError", "InterfaceError") and retry["countdown"] == 5
    runs = worker.finished(render_report, count=2)
    assert [(run["state"], run["retval"]) for run in runs][-1] == ("SUCCESS", "done")
    assert [run["state"] for run in runs].count("SUCCESS") == 1
    assert job.path.read_bytes().rstrip().endswith(b"%%EOF")
    assert files_in(media) == [Path(job.file.name).name]


def test_a_bad_job_fails_at_once_without_retrying(version, facilitator, media, start_worker):
    asked = ask(version, facilitator, kind="entries", fmt="csv")
    ReportJob.objects.filter(pk=asked.job.pk).update(format="odt")  # no such renderer
    worker = start_worker()
    job = wait_for(asked.job, {"done", "failed"})
    assert job.state == "failed" and "Unknown format: odt" in job.error
    # A retry is decided within the run, before it ends: the run ended as a success that
    # reports the failure, with no retry asked for.
    [run] = worker.finished(render_report)
    assert (run["state"], run["retval"]) == ("SUCCESS", "failed")
    assert worker.events("retry") == []
    assert len(worker.events("received", render_report)) == 1
