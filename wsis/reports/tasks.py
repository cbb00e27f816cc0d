"""The worker's side: render one report job, safely when messages come twice or workers die.

- ``acks_late`` and ``reject_on_worker_lost``: a worker killed mid-render leaves its message
  unacknowledged, so the broker hands it to the next worker;
- a Postgres advisory lock per job: a second delivery while the first renders does nothing,
  and a lock held by a dead worker vanishes with its connection;
- a job already done is not rendered again; the file is written under a temporary name and
  moved into place, so a reader never sees half a file and a rerun never makes a second one.
"""

import logging
from contextlib import contextmanager

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone
from django.utils.translation import gettext as _

from wsis.reports.models import ReportJob

logger = logging.getLogger(__name__)

# Postgres or the disk going away for a moment; everything else is a bug or bad input.
TRANSIENT = (OperationalError, InterfaceError)
LOCK_NAMESPACE = 5  # first key of pg_advisory_lock(int, int): "report jobs"
MAX_RETRIES = 5


@contextmanager
def job_lock(job_pk: int):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, job_pk])
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, job_pk])


def run_job(job_pk: int) -> str:
    """Render a job unless it is done already. Call while holding :func:`job_lock`."""
    from wsis.reports.rendering import pdf_pages, render_job

    job = (
        ReportJob.objects.select_related("version__consultation", "organisation__group")
        .filter(pk=job_pk)
        .first()
    )
    if job is None:
        return "gone"
    if job.state == ReportJob.State.DONE and job.path.exists():
        return "done already"
    if job.state == ReportJob.State.FAILED:
        return "failed already"
    job.start()
    try:
        size = render_job(job, progress=job.set_progress)
    except SoftTimeLimitExceeded:
        job.fail(_("The report took too long to render. Try a smaller selection."))
        return "too long"
    except TRANSIENT:
        raise
    except Exception as exc:
        logger.exception("Report job %s failed", job_pk)
        job.fail(f"{type(exc).__name__}: {exc}")
        return "failed"
    job.finish(size, pdf_pages(job.path) if job.format == ReportJob.Format.PDF else None)
    return "done"


# A compilation of thousands of proposals takes minutes: longer limits than the default tasks.
@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=20 * 60,
    time_limit=22 * 60,
)
def render_report(self, job_pk: int) -> str:
    try:
        with job_lock(job_pk) as locked:
            if not locked:
                return "rendering elsewhere"
            return run_job(job_pk)
    except TRANSIENT as exc:
        connection.close()
        if self.request.retries >= MAX_RETRIES:
            ReportJob.objects.filter(pk=job_pk).exclude(state=ReportJob.State.DONE).update(
                state=ReportJob.State.FAILED, error=str(exc)[:2000], finished=timezone.now()
            )
            return "failed"
        raise self.retry(exc=exc, countdown=min(60, 5 * 2**self.request.retries)) from exc


def enqueue(job: ReportJob) -> bool:
    """Hand a job to the broker; False (and the job stays queued) if the broker is down."""
    from kombu.exceptions import OperationalError as BrokerDown

    try:
        render_report.apply_async((job.pk,), retry=False)
    except (BrokerDown, OSError):
        logger.warning("Broker unreachable: report job %s waits for it", job.pk)
        return False
    ReportJob.objects.filter(pk=job.pk).update(enqueued=timezone.now())
    return True


def enqueue_waiting() -> int:
    """Send the jobs that were asked for while the broker was down."""
    waiting = ReportJob.objects.filter(state=ReportJob.State.QUEUED, enqueued__isnull=True)
    return sum(enqueue(job) for job in waiting)


@worker_ready.connect
def _send_waiting_jobs(**kwargs):
    # A worker coming up means the broker is up: catch up on what was asked meanwhile.
    try:
        sent = enqueue_waiting()
    except TRANSIENT:
        logger.exception("Could not look for waiting report jobs")
        return
    if sent:
        logger.info("Sent %s report jobs that waited for the broker", sent)
