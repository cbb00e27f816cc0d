"""The worker's side: render one report job, safely when messages come twice or workers die.

- ``acks_late`` and ``reject_on_worker_lost``: a worker killed mid-render leaves its message
  unacknowledged, so the broker hands it to the next worker;
- a Postgres advisory lock per job: a second delivery while the first renders does nothing,
  and a lock held by a dead worker vanishes with its connection;
- a job already done is not rendered again; the file is written under a temporary name and
  moved into place, so a reader never sees half a file and a rerun never makes a second one.
"""

import gc
import logging
import time
from contextlib import contextmanager

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wsis.reports import part_cache
from wsis.reports.compilation import Options, collect
from wsis.reports.models import ReportJob, ReportPart
from wsis.reports.rendering import (
    fewer_collections,
    in_parts,
    lay_out_part,
    pdf_pages,
    render_job,
    write_atomically,
)

logger = logging.getLogger(__name__)

# Postgres or the disk going away for a moment; everything else is a bug or bad input.
TRANSIENT = (OperationalError, InterfaceError)
LOCK_NAMESPACE = 5  # first key of pg_advisory_lock(int, int): "report jobs"
PART_LOCK_NAMESPACE = 6  # "parts of report jobs"
MAX_RETRIES = 5


@contextmanager
def job_lock(key: int, namespace: int = LOCK_NAMESPACE):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [namespace, key])
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [namespace, key])


def run_job(job_pk: int) -> str:
    """Render a job unless it is done already. Call while holding :func:`job_lock`."""
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
    if job.state != ReportJob.State.RENDERING:
        job.start()
    if should_split(job):
        return start_parts(job)
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


def _retry_or_fail(task, job_pk: int, exc: Exception):
    connection.close()
    if task.request.retries >= MAX_RETRIES:
        logger.error("Report job %s failed after %s retries", job_pk, MAX_RETRIES, exc_info=exc)
        ReportJob.objects.filter(pk=job_pk).exclude(state=ReportJob.State.DONE).update(
            state=ReportJob.State.FAILED,
            error=_("The database could not be reached. Ask for the report again."),
            finished=timezone.now(),
        )
        return "failed"
    raise task.retry(exc=exc, countdown=min(60, 5 * 2**task.request.retries)) from exc


# A compilation of thousands of proposals takes minutes: longer limits than the default tasks.
LIMITS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "max_retries": MAX_RETRIES,
    "soft_time_limit": 20 * 60,
    "time_limit": 22 * 60,
}


@shared_task(**LIMITS)
def render_report(self, job_pk: int) -> str:
    try:
        with job_lock(job_pk) as locked:
            if not locked:
                return "rendering elsewhere"
            return run_job(job_pk)
    except TRANSIENT as exc:
        return _retry_or_fail(self, job_pk, exc)


def should_split(job: ReportJob) -> bool:
    if settings.REPORT_PARTS < 2 or job.format != ReportJob.Format.PDF:
        return False
    if job.kind != ReportJob.Kind.COMPILATION:
        return False
    return in_parts(job.version, Options.from_dict(job.options))


def start_parts(job: ReportJob) -> str:
    """Cut the compilation into parts and hand those not in the cache to the broker; the last
    one to be done (or this, if none is missing) asks for the merge."""
    from wsis.reports.parallel import part_ranges

    if not job.parts.exists():
        compilation = collect(job.version, Options.from_dict(job.options), light=True)
        ranges = part_ranges(compilation, settings.REPORT_PART_PARAGRAPHS)
        keys = part_cache.part_keys(compilation, ranges, job.language)
        ReportPart.objects.bulk_create(
            ReportPart(job=job, index=index, first=first, last=last, key=key)
            for index, ((first, last), key) in enumerate(zip(ranges, keys, strict=True))
        )
    job.set_progress(10)
    pending = list(job.parts.filter(done=False))
    found = part_cache.find(part.key for part in pending)
    job.parts.filter(key__in=list(found)).update(done=True)
    pending = [part for part in pending if part.key not in found]
    for part in pending:
        render_part.apply_async((job.pk, part.index))
    if not pending:
        merge_report.apply_async((job.pk,))
    return "split"


@shared_task(**LIMITS)
def render_part(self, job_pk: int, index: int) -> str:
    try:
        part = (
            ReportPart.objects.select_related("job__version__consultation")
            .filter(job_id=job_pk, index=index)
            .first()
        )
        if part is None or part.job.state != ReportJob.State.RENDERING:
            return "gone"
        with job_lock(part.pk, PART_LOCK_NAMESPACE) as locked:
            if not locked:
                return "rendering elsewhere"
            cached = part_cache.find([part.key])
            if cached and part.done:
                return "done already"
            if not cached:  # else another job laid out the same part meanwhile
                job = part.job
                cpu = time.process_time()
                with translation.override(job.language):
                    laid_out = lay_out_part(
                        job.version,
                        Options.from_dict(job.options),
                        part.first,
                        part.last,
                        part.key,
                        collect_garbage=False,
                    )
                # CPU against wall time shows what a shared machine's other processes took.
                logger.info(
                    "Part %s of report job %s: %s pages, %.1f s of CPU",
                    index,
                    job_pk,
                    laid_out.pages,
                    time.process_time() - cpu,
                )
            with transaction.atomic():
                job = ReportJob.objects.select_for_update().get(pk=job_pk)
                part.done = True
                part.save(update_fields=["done"])
                left = job.parts.filter(done=False).count()
                total = job.parts.count()
                job.set_progress(10 + 80 * (total - left) // total)
                # The job's row is locked: of parts finishing together, one sees none left.
                if not left:
                    transaction.on_commit(lambda: merge_report.apply_async((job_pk,)))
            # The layout is garbage: collected once the part is marked done and the merge is
            # on its way, as the collection takes about a second and the merge waits for the
            # last part.
            gc.collect()
            return "done"
    except SoftTimeLimitExceeded:
        ReportJob.objects.get(pk=job_pk).fail(_("The report took too long to render."))
        return "too long"
    except TRANSIENT as exc:
        return _retry_or_fail(self, job_pk, exc)
    except Exception as exc:
        logger.exception("Part %s of report job %s failed", index, job_pk)
        ReportJob.objects.get(pk=job_pk).fail(f"{type(exc).__name__}: {exc}")
        return "failed"


@shared_task(**LIMITS)
def merge_report(self, job_pk: int) -> str:
    try:
        with job_lock(job_pk) as locked:
            if not locked:
                return "rendering elsewhere"
            return _merge(job_pk)
    except TRANSIENT as exc:
        return _retry_or_fail(self, job_pk, exc)
    except Exception as exc:
        logger.exception("Merging report job %s failed", job_pk)
        ReportJob.objects.get(pk=job_pk).fail(f"{type(exc).__name__}: {exc}")
        return "failed"


def _merge(job_pk: int) -> str:
    """Merge the job's parts once all are done. Call while holding its lock."""
    from wsis.reports import parallel

    job = ReportJob.objects.select_related("version__consultation").filter(pk=job_pk).first()
    if job is None:
        return "gone"
    if job.state == ReportJob.State.DONE and job.path.exists():
        return "done already"
    parts = list(job.parts.order_by("index"))
    if not parts:
        return "parts missing"
    if not all(part.done for part in parts):
        return "waiting for parts"  # the last part to be done asks for the merge again
    keys = [part.key for part in parts]
    found = part_cache.find(keys)
    # Evicted from the cache since, or their file lost: laid out again.
    missing = [part for part in parts if part.key not in found]
    for part in missing:
        ReportPart.objects.filter(pk=part.pk).update(done=False)
        render_part.apply_async((job_pk, part.index))
    if missing:
        return "parts missing"
    cpu = time.process_time()
    with translation.override(job.language), fewer_collections(collect=False):
        compilation = collect(job.version, Options.from_dict(job.options), light=True)
        laid_out = [(found[key].path, found[key].laid_out) for key in keys]
        with write_atomically(job.path) as temporary:
            pages = parallel.merge(compilation, laid_out, temporary)
        job.finish(job.path.stat().st_size, pages)
    part_cache.evict(keep=keys)
    logger.info("Merged report job %s: %.1f s of CPU", job_pk, time.process_time() - cpu)
    gc.collect()  # once the file is there for whoever asked
    return "done"


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
