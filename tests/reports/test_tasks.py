"""The task run in this process (``apply``): idempotent, locked, failing cleanly."""

import psycopg
import pytest
from django.db import connection

from tests.reports.test_views import make_job
from wsis.celery import app
from wsis.reports.models import ReportJob
from wsis.reports.tasks import LOCK_NAMESPACE, MAX_RETRIES, enqueue_waiting, render_report


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run(job):
    result = render_report.apply(args=[job.pk]).get()
    job.refresh_from_db()
    return result


def test_it_renders_a_job(version, entries, facilitator):
    job = make_job(version, facilitator.user, kind="entries", format="csv")
    assert run(job) == "done"
    assert (job.state, job.progress, job.error) == ("done", 100, "")
    assert job.file.name == job.file_name and job.path.exists()
    assert job.size == job.path.stat().st_size and job.started <= job.finished
    assert "Kenya addition." in job.path.read_text(encoding="utf-8-sig")


def test_it_counts_the_pages_of_a_pdf(version, entries, facilitator):
    section = version.paragraphs.get(label="26").section.order
    options = {"first_section": section, "last_section": section}
    job = make_job(version, facilitator.user, options=options)
    assert run(job) == "done"
    assert job.pages >= 2 and job.path.read_bytes().startswith(b"%PDF-")


def test_a_second_delivery_changes_nothing(version, entries, facilitator, settings):
    job = make_job(version, facilitator.user, kind="entries", format="csv")
    run(job)
    finished, content = job.finished, job.path.read_bytes()
    assert run(job) == "done already"
    job.refresh_from_db()
    assert job.finished == finished and job.path.read_bytes() == content
    assert [p.name for p in job.path.parent.iterdir()] == [job.path.name]


def test_a_delivery_while_another_worker_renders_does_nothing(version, facilitator):
    job = make_job(version, facilitator.user, kind="entries", format="csv")
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params) as other:
        other.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, job.pk])
        assert run(job) == "rendering elsewhere"
    assert job.state == "queued"


def test_a_job_left_rendering_by_a_dead_worker_is_rendered(version, facilitator):
    job = make_job(version, facilitator.user, kind="entries", format="csv")
    job.start()  # the dead worker got this far; its lock died with its connection
    assert run(job) == "done"
    assert job.state == "done"


def test_a_broken_job_fails_with_its_error_and_is_not_retried(version, facilitator):
    job = make_job(version, facilitator.user, kind="entries", format="odt")
    assert run(job) == "failed"
    assert job.state == "failed" and "Unknown format" in job.error
    assert run(job) == "failed already"


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def cut_this_connection() -> int:
    """What a restarted or failed-over database does to a worker: the server closes its
    connection, and the next query raises. Returns the connection's backend."""
    pid = backend_pid()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]
    return pid


@pytest.mark.django_db(transaction=True)
def test_a_lost_database_connection_is_retried(version, entries, facilitator):
    job = make_job(version, facilitator.user, kind="entries", format="csv")
    cut = cut_this_connection()
    # Run eagerly, the retry runs at once (in a worker it waits 5 s), on a new connection.
    assert run(job) == "done"
    assert backend_pid() != cut  # the first try did meet the closed connection
    assert (job.state, job.error) == ("done", "")
    assert [p.name for p in job.path.parent.iterdir()] == [job.path.name]


@pytest.mark.django_db(transaction=True)
def test_a_job_that_loses_the_database_on_its_last_try_fails_with_a_message(
    version, entries, facilitator
):
    job = make_job(version, facilitator.user, kind="entries", format="csv")
    cut_this_connection()
    result = render_report.apply(args=[job.pk], retries=MAX_RETRIES)
    assert result.get() == "failed"
    job.refresh_from_db()
    assert job.state == "failed" and job.finished
    assert job.error == "The database could not be reached. Ask for the report again."
    assert not job.path.exists()
    assert run(job) == "failed already"  # a late redelivery does not start it again
    # Asking again renders anew: a failed job does not stand in for identical inputs.
    assert not ReportJob.objects.reusable(job.input_hash).exists()


def test_a_vanished_job_is_dropped(db):
    assert render_report.apply(args=[987654]).get() == "gone"


def test_jobs_asked_while_the_broker_was_down_are_sent_later(version, facilitator):
    waiting = make_job(version, facilitator.user, kind="entries", format="csv")
    assert waiting.enqueued is None
    try:
        assert enqueue_waiting() == 1
        waiting.refresh_from_db()
        assert waiting.enqueued is not None
        assert enqueue_waiting() == 0
    finally:
        app.control.purge()
    assert ReportJob.objects.get().state == "queued"
