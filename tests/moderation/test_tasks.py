"""Mail to organisations and the facilitators' digest; queued after commit, never on rollback."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.conftest import run_in_process
from wsis.moderation import notifications, services, tasks
from wsis.moderation.models import MailPreference, Notification

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
    assert len([c for c in callbacks if c.__qualname__.startswith("tell.")]) == 1


def test_it_queues_nothing_when_the_action_rolls_back(
    facilitator, entry_a, focal_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.moderate([entry_a], "publish", request=as_request(facilitator))
            raise RuntimeError("something later in the same transaction failed")
    assert callbacks == []
    entry_a.refresh_from_db()
    assert entry_a.moderation == "pending"
    assert not Notification.objects.exists()


def test_it_tells_every_member_and_mails_the_focal_points_what_happened(
    facilitator, entry_a, entry_b, focal_a, delegate_a, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://wsis.example/"
    services.moderate(
        [entry_a, entry_b], "reject", reason="Wrong paragraph", request=as_request(facilitator)
    )
    # Kenya's focal point and delegate are both told; only the focal point is mailed.
    told = Notification.objects.filter(entry=entry_a)
    assert {(n.user, n.to_mail) for n in told} == {(focal_a.user, True), (delegate_a.user, False)}
    with django_capture_on_commit_callbacks(execute=True):
        sent = tasks.send_notifications([focal_a.user.pk, delegate_a.user.pk])
    assert sent == 1
    (message,) = mail.outbox
    assert message.to == ["fatima@example.org"]
    assert "news on one of your entries" in message.subject
    assert "OP 26" in message.body
    assert "rejected (reason: Wrong paragraph)" in message.body
    # Every item links to its page, absolutely, from the site's address.
    assert f"https://wsis.example/entries/{entry_a.pk}/" in message.body
    assert "https://wsis.example/notifications/" in message.body
    # The UPU's entry is told to the UPU's members, never to Kenya's focal point.
    assert f"#{entry_b.pk}" not in message.body


def test_decisions_taken_one_by_one_arrive_as_one_mail(
    facilitator, make_entry, org_a, focal_a, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://wsis.example"
    entries = [make_entry(org_a, label=label) for label in ("26", "27", "28", "29", "30")]
    request = as_request(facilitator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.moderate(entries[:2], "publish", request=request)
        for entry in entries:
            services.decide([entry], "incorporated", rationale="Taken in.", request=request)
    # Each change queues a batch for later; the first to run mails everything, the rest nothing.
    assert len([c for c in callbacks if c.__qualname__.startswith("tell.")]) == 6
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_notifications([focal_a.user.pk]) == 1
        assert tasks.send_notifications([focal_a.user.pk]) == 0
    (message,) = mail.outbox
    assert "7 pieces of news" in message.subject
    assert message.body.count("decided: incorporated (rationale: Taken in.)") == 5
    assert message.body.count("https://wsis.example/entries/") == 7


def test_the_batch_waits_for_what_follows_before_it_mails(
    facilitator, entry_a, focal_a, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        tasks.send_notifications, "apply_async", lambda args, **options: queued.append(options)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.moderate([entry_a], "publish", request=as_request(facilitator))
    assert queued == [{"countdown": notifications.BATCH_SECONDS}]


def test_a_daily_digest_waits_for_the_daily_run(
    facilitator, entry_a, focal_a, settings, django_capture_on_commit_callbacks
):
    MailPreference.objects.create(user=focal_a.user, mode=MailPreference.Mode.DAILY)
    services.moderate([entry_a], "publish", request=as_request(facilitator))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_notifications([focal_a.user.pk]) == 0
        assert tasks.send_daily_notifications() == 1
        assert tasks.send_daily_notifications() == 0
    (message,) = mail.outbox
    assert "published" in message.body
    entry = settings.CELERY_BEAT_SCHEDULE["moderation-daily-notifications"]
    assert entry["task"] == tasks.send_daily_notifications.name


def test_a_support_is_told_to_the_proposing_organisation(entry_a, org_b, focal_a, delegate_b):
    from wsis.comments.models import Support

    with transaction.atomic():
        Support.objects.create(entry=entry_a, organisation=org_b, user=delegate_b.user)
    (told,) = Notification.objects.filter(entry=entry_a, user=focal_a.user)
    assert told.user == focal_a.user and told.action == "entry.supported"
    assert told.what == f"supported by {org_b.attribution}"
    assert Notification.objects.filter(entry=entry_a).count() == 2  # and Kenya's delegate
    assert not Notification.objects.filter(user=delegate_b.user).exists()


def test_a_failing_mail_server_delays_mail_not_the_action(
    facilitator,
    entry_a,
    focal_a,
    flaky_mail_server,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    run_in_process(monkeypatch, tasks.send_notifications)
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
