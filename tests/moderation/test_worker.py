"""A real Celery worker sends the mail after commit, and none on rollback."""

import quopri

import pytest
from celery.signals import before_task_publish
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

from tests.workers import wait_until
from wsis.mail import send as mail_task
from wsis.moderation import notifications, services

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queued():
    """The ids of the tasks this process hands to the broker, in order."""
    ids = []

    def record(headers=None, **kwargs):
        ids.append(headers["id"])

    before_task_publish.connect(record, weak=False)
    yield ids
    before_task_publish.disconnect(record)


def test_a_worker_mails_after_commit_and_not_after_rollback(
    start_worker, queued, tmp_path, facilitator, focal_a, make_entry, org_a, monkeypatch
):
    # The batch's delay (a minute, which test_tasks.py checks) is set by this process when it
    # queues the task; what this test proves is which mail the worker sends, not when.
    monkeypatch.setattr(notifications, "BATCH_SECONDS", 0)
    mail = tmp_path / "mail"
    mail.mkdir()
    worker = start_worker(
        pool="solo",
        env={
            "DJANGO_SETTINGS_MODULE": "tests.moderation.worker_settings",
            "WSIS_TEST_MAIL_DIR": str(mail),
        },
    )
    rolled_back = make_entry(org_a, label="27")
    committed = make_entry(org_a, label="28")
    request = RequestFactory().post("/")
    request.user = facilitator.user
    with pytest.raises(RuntimeError), transaction.atomic():
        services.moderate([rolled_back], "reject", reason="ROLLED-BACK", request=request)
        raise RuntimeError("rolled back")
    assert queued == []  # nothing reached the broker from the transaction rolled back

    url = reverse("moderation:decide", args=["wsis20", committed.pk])
    facilitator.post(url, {"decision": "not_incorporated", "rationale": "COMMITTED rationale"})
    assert queued

    # Every task queued has run to its end (a retry is not one): the mail there is all the
    # mail there will be.
    def ended():
        return {run["id"] for run in worker.events("finished") if run["state"] != "RETRY"}

    # The notice task hands each mail to the one mail task (wsis/mail.py), queued by the worker
    # itself: wait for that one too.
    def mailed():
        return any(
            run["task"] == mail_task.name and run["state"] == "SUCCESS"
            for run in worker.events("finished")
        )

    wait_until(lambda: set(queued) <= ended() and mailed(), "the worker to run the tasks and mail")
    # Quoted-printable: the batched mail's long lines are cut with soft breaks.
    text = quopri.decodestring("".join(p.read_text() for p in mail.glob("*.log"))).decode()
    assert "fatima@example.org" in text
    assert "COMMITTED rationale" in text
    assert "ROLLED-BACK" not in text
