"""Real Celery worker processes, for the worker and fault tests and for the benchmarks.

``launch_worker(folder)`` starts ``celery worker`` on this process's database (the test database
in a test), broker and ``MEDIA_ROOT``, with a unique host name and its log in ``folder``; it
returns once the worker consumes, as the worker itself says through a signal handler
(``tests/worker_app.py``), not once a log line appears. The ``start_worker`` fixture does the
same for a test and stops its workers warmly afterwards.

Everything here waits on an event or a state, with a generous deadline that only bounds a
failure: a loaded machine makes a test slower, never wrong.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from wsis.celery import app
from wsis.embedded import database_url

ROOT = Path(__file__).resolve().parents[1]


def wait_until(condition, what: str, timeout: float = 180, every: float = 0.05):
    """``condition()``'s first true value, looked for every ``every`` seconds; fails, saying
    ``what`` was awaited, only once ``timeout`` seconds have passed without it."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout} s for {what}")
        time.sleep(every)
    return value


class Worker:
    """One ``celery worker`` process (and its pool), and what it recorded doing."""

    def __init__(self, process: subprocess.Popen, hostname: str, log_path: Path, events: Path):
        self.process, self.hostname = process, hostname
        self.log_path, self.events_path = log_path, events

    def events(self, event: str | None = None, task=None) -> list[dict]:
        """What the worker recorded, in order: ``ready``, ``received``, ``retry``, ``finished``;
        only those of ``event`` and of ``task`` (a task function) when given."""
        if not self.events_path.exists():
            return []
        lines = self.events_path.read_text().splitlines(keepends=True)
        found = [json.loads(line) for line in lines if line.endswith("\n")]
        return [
            e
            for e in found
            if (event is None or e["event"] == event) and (task is None or e["task"] == task.name)
        ]

    def finished(self, task, count: int = 1, timeout: float = 180) -> list[dict]:
        """Once the worker has finished ``count`` runs of ``task`` (or more): all of them."""
        return wait_until(
            lambda: len(runs := self.events("finished", task)) >= count and runs,
            f"{count} run(s) of {task.name} to finish on {self.hostname}",
            timeout,
        )

    def _signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass  # already gone, pool and all

    def freeze(self) -> None:
        """Stop the worker and its pool where they are, connections and locks held."""
        self._signal_group(signal.SIGSTOP)

    def kill(self) -> None:
        """A worker dying: no warm shutdown, its unacknowledged messages left to the broker."""
        self._signal_group(signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout: float = 120) -> None:
        """A warm shutdown: the tasks under way end first (a merge lets go of its files and
        records its time). Killed if it has not ended after ``timeout`` seconds."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self._signal_group(signal.SIGKILL)  # a pool process the main one left behind


def launch_worker(
    folder: Path,
    *,
    name: str = "worker",
    concurrency: int = 1,
    pool: str = "prefork",
    loglevel: str = "WARNING",
    env: dict | None = None,
    timeout: float = 180,
) -> Worker:
    """A worker on this process's database, broker and ``MEDIA_ROOT`` (``env`` adds to or
    overrides its environment), ready to consume. It consumes every queue the settings
    declare: no ``-Q``."""
    folder.mkdir(parents=True, exist_ok=True)
    hostname = f"{name}-{uuid.uuid4().hex[:8]}@%h"
    log_path, events = folder / f"{name}.log", folder / f"{name}.events"
    output = folder / f"{name}.out"
    database = connection.settings_dict
    environment = os.environ | {
        "DATABASE_URL": database_url(database),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "WSIS_WORKER_EVENTS": str(events),
    }
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    command = [sys.executable, "-m", "celery", "-A", "tests.worker_app", "worker"]
    command += ["--hostname", hostname, "--pool", pool, "--concurrency", str(concurrency)]
    command += ["--loglevel", loglevel, "--logfile", str(log_path)]
    command += ["--without-gossip", "--without-mingle"]
    # What comes before the log is set up (the banner, an import error) goes to a file: a pipe
    # nobody reads would block the worker once full.
    with output.open("w") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment | (env or {}),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: frozen or killed with its pool
        )
    worker = Worker(process, hostname, log_path, events)

    def ready_or_dead():
        if process.poll() is not None:
            said = "".join(p.read_text() for p in (output, log_path) if p.exists())
            raise AssertionError(f"worker {hostname} exited ({process.returncode}):\n{said}")
        return worker.events("ready")

    try:
        wait_until(ready_or_dead, f"worker {hostname} to be ready", timeout)
    except BaseException:
        worker.stop()
        raise
    return worker


@pytest.fixture
def start_worker(tmp_path):
    """``start_worker(**options)``: a worker for this test (see :func:`launch_worker`), on an
    empty broker; stopped warmly after the test, the broker emptied again."""
    app.control.purge()
    workers = []

    def start(**options) -> Worker:
        worker = launch_worker(tmp_path / "workers", name=f"worker{len(workers)}", **options)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    app.control.purge()
