"""The project's Celery app as the workers of ``tests/workers.py`` run it (``celery -A
tests.worker_app worker``): the same app and tasks, and signal handlers that append what the
worker does to the file named by ``WSIS_WORKER_EVENTS``, one JSON object a line: ``ready`` once
it consumes, then each task ``received``, ``retry`` and ``finished`` (its state and return
value). Tests wait on these events, never on a fixed time or on the wording of Celery's log.
"""

import json
import os

from celery import signals

from wsis.celery import app

__all__ = ["app"]

# No remote control: the tests wait on these events, not on broadcast replies, and a worker with
# a unique name would leave its control binding behind in the broker (with the filesystem
# transport, in the checkout's control/ folder).
app.conf.worker_enable_remote_control = False


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
