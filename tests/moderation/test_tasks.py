"""Mail to organisations and the facilitators' digest; queued after commit, never on rollback."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.conftest import run_in_process
from wsis.comments.models import Entry
from wsis.moderation import services, tasks

pytestmark = pytest.mark.django_db


def as_request(client):
    request = RequestFactory().post("/")
    request.user = client.user
    return request


def test_it_queues_mail_only_when_the_action_commits(
    facilitator, entry_a, focal_a, django_capture_on_commit_callbacks
):
    url = reverse("moderation:moderate", args=["wsis20", entry_a.pk])
    with django_capture_on_commit_callbacks() as callbacks:
        facilitator.post(url, {"action": "reject", "reason": "Wrong paragraph"})
        assert mail.outbox == []
    # Other after-commit work (the reader's count cache) may be queued beside the mail.
    assert len([c for c in callbacks if c.__qualname__.startswith("_notify_after_commit")]) == 1


def test_it_queues_nothing_when_the_action_rolls_back(
    facilitator, entry_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.moderate([entry_a], "publish", request=as_request(facilitator))
            raise RuntimeError("something later in the same transaction failed")
    assert callbacks == []
    entry_a.refresh_from_db()
    assert entry_a.moderation == "pending"


def test_it_mails_the_focal_points_what_happened(
    facilitator, entry_a, entry_b, focal_a, delegate_a, django_capture_on_commit_callbacks
):
    services.moderate(
        [entry_a], "reject", reason="Wrong paragraph", request=as_request(facilitator)
    )
    Entry.objects.filter(pk=entry_b.pk).update(decision="incorporated", decision_rationale="Done")
    with django_capture_on_commit_callbacks(execute=True):
        sent = tasks.notify_organisations([entry_a.pk, entry_b.pk], "entry.rejected")
    # Kenya has a focal point; the UPU (delegate only) has none to write to.
    assert sent == 1
    (message,) = mail.outbox
    assert message.to == ["fatima@example.org"]
    assert "news on one of your entries" in message.subject
    assert "OP 26" in message.body
    assert "rejected (reason: Wrong paragraph)" in message.body
    assert "alice@example.org" not in message.to


def test_a_failing_mail_server_delays_mail_not_the_action(
    facilitator,
    entry_a,
    focal_a,
    flaky_mail_server,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    run_in_process(monkeypatch, tasks.notify_organisations)
    url = reverse("moderation:moderate", args=["wsis20", entry_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = facilitator.post(url, {"action": "publish"})
    assert response.status_code == 302
    entry_a.refresh_from_db()
    assert entry_a.moderation == "published"
    # The mail task met the refused connections and retried until the server took the mail.
    assert flaky_mail_server.attempts == 3
    (message,) = mail.outbox
    assert message.to == ["fatima@example.org"]


def test_the_digest_lists_new_submissions_once(
    facilitator, make_entry, org_a, org_b, consultation, django_capture_on_commit_callbacks
):
    make_entry(org_a, submitted_at=timezone.now() - timedelta(hours=3))
    make_entry(org_b, label="30")
    make_entry(org_a, status="draft", submitted_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_digest(consultation.pk) == 1
    (message,) = mail.outbox
    assert message.to == ["faye@example.org"]
    assert "2 new submissions" in message.subject
    assert "Kenya (Member State)" in message.body
    assert "OP 30" in message.body

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_digest(consultation.pk) == 0
    assert len(mail.outbox) == 1
    make_entry(org_b, label="31")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_digests() == 1
    assert "1 new submission" in mail.outbox[1].subject
    assert "OP 31" in mail.outbox[1].body and "OP 30" not in mail.outbox[1].body


def test_the_digest_is_scheduled_daily():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["moderation-daily-digest"]
    assert entry["task"] == tasks.send_digests.name
