"""The project's Celery app as the workers of ``tests/workers.py`` run it (``celery -A
tests.worker_app worker``): the same app and tasks, and signal handlers that append what the
worker does to the file named by ``WSIS_WORKER_EVENTS``, one JSON object a line: ``ready`` once
it consumes, then each task ``received``, ``retry`` and ``finished`` (its state and return
value), and each report job's ``progress``. Tests wait on these events, never on a fixed time or
on the wording of Celery's log.

With ``WSIS_WORKER_FREEZE_AT_PROGRESS`` set to a percentage, the process rendering a report job
stops itself (SIGSTOP) once it has recorded that progress: a worker caught mid-render at a known
point, for a test to kill, however fast or slow the machine renders.
"""

import json
import os
import signal

from celery import signals
from django.conf import settings

from wsis.celery import app

__all__ = ["app"]

# No remote control: the tests wait on these events, not on broadcast replies, and a worker with
# a unique name would leave its control binding behind in the broker (with the filesystem
# transport, in the checkout's control/ folder).
app.conf.worker_enable_remote_control = False

# kombu's Redis transport looks for messages left unacknowledged by a dead worker only every
# 10th sweep of 10 s: 100 s, whatever the visibility timeout. The tests that kill a worker set a
# short visibility timeout and wait for the redelivery: look every second.
if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    app.conf.broker_transport_options = settings.CELERY_BROKER_TRANSPORT_OPTIONS | {
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }


def record(event: str, **fields) -> None:
    line = json.dumps({"event": event, "pid": os.getpid(), **fields}, default=repr) + "\n"
    # One write to a file opened for appending: the pool's processes share the file, and each
    # line arrives whole.
    fd = os.open(os.environ["WSIS_WORKER_EVENTS"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


@signals.worker_ready.connect
def _ready(sender, **kwargs):
    record("ready", hostname=sender.hostname)


@signals.task_received.connect
def _received(sender, request, **kwargs):
    record("received", task=request.task_name, id=request.task_id, args=list(request.args))


@signals.task_retry.connect
def _retry(sender, request, reason, **kwargs):
    # ``reason`` is Celery's Retry: the error that caused it and the delay before the next run.
    record(
        "retry",
        task=sender.name,
        id=request.id,
        args=list(request.args),
        error=type(reason.exc).__name__,
        countdown=reason.when,
    )


@signals.task_postrun.connect
def _finished(sender, task_id, args, retval, state, **kwargs):
    record("finished", task=sender.name, id=task_id, args=list(args), state=state, retval=retval)


@signals.task_prerun.connect
def _watch_progress(sender, **kwargs):
    # Installed in the process that runs the task, once Django's apps are loaded.
    from wsis.reports.models import ReportJob

    if getattr(ReportJob.set_progress, "recorded", False):
        return
    set_progress = ReportJob.set_progress
    freeze_at = os.environ.get("WSIS_WORKER_FREEZE_AT_PROGRESS")

    def recorded(job, percent: int) -> None:
        # The row first, then the event: where no transaction is open (a whole job's render),
        # a test that reads the event finds the progress stored.
        set_progress(job, percent)
        record("progress", job=job.pk, percent=percent)
        if freeze_at and percent >= int(freeze_at):
            os.kill(os.getpid(), signal.SIGSTOP)

    recorded.recorded = True
    ReportJob.set_progress = recorded
