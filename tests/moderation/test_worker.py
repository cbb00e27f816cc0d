"""A real Celery worker on the Redis broker sends the mail after commit, and none on rollback."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from wsis.celery import app
from wsis.embedded import database_url
from wsis.moderation import services

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(tmp_path):
    app.control.purge()
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.moderation.worker_settings",
        "WSIS_TEST_MAIL_DIR": str(tmp_path),
        # The worker reads and writes the test database, not the development one.
        "DATABASE_URL": database_url(connection.settings_dict),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "wsis",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield tmp_path
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for_mail(folder: Path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = list(folder.glob("*.log"))
        if files:
            return files
        time.sleep(0.3)
    return []


def test_a_worker_mails_after_commit_and_not_after_rollback(
    worker, facilitator, focal_a, make_entry, org_a
):
    rolled_back = make_entry(org_a, label="27")
    committed = make_entry(org_a, label="28")
    request = RequestFactory().post("/")
    request.user = facilitator.user
    with pytest.raises(RuntimeError), transaction.atomic():
        services.moderate([rolled_back], "reject", reason="ROLLED-BACK", request=request)
        raise RuntimeError("rolled back")

    url = reverse("moderation:decide", args=["wsis20", committed.pk])
    facilitator.post(url, {"decision": "not_incorporated", "rationale": "COMMITTED rationale"})

    files = wait_for_mail(worker)
    assert files, "the worker sent no mail within a minute"
    time.sleep(1)  # anything queued by mistake would have arrived by now
    text = "".join(path.read_text() for path in worker.glob("*.log"))
    assert "fatima@example.org" in text
    assert "COMMITTED rationale" in text
    assert "ROLLED-BACK" not in text
