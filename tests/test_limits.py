"""What one person, or one organisation, may ask of the platform at once (issue #15, item 11):
report jobs on their way, drafts created, invitations sent; and reports on a queue of their own.
"""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.comments.test_create import create
from tests.reports.test_views import ask_url, finished
from wsis.comments.models import Entry
from wsis.reports.models import ReportJob
from wsis.stakeholders.models import Invitation


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# Report jobs -----------------------------------------------------------------------------------

ASKS = [
    {"kind": "entries", "format": "csv"},
    {"kind": "entries", "format": "csv", "with_decisions": "on"},
    {"kind": "compilation", "format": "docx"},
]


def test_a_person_has_only_so_many_reports_on_their_way(version, facilitator, settings):
    settings.REPORT_JOBS_PER_PERSON = 2
    for data in ASKS[:2]:
        assert facilitator.post(ask_url(version), data).status_code == 302
    refused = facilitator.post(ask_url(version), ASKS[2])
    assert refused.status_code == 429
    assert "You already have 2 reports on their way" in refused.content.decode()
    assert ReportJob.objects.count() == 2
    # Asking again for one on its way is no new job: it is served, not refused.
    assert facilitator.post(ask_url(version), ASKS[0]).status_code == 302
    finished(ReportJob.objects.earliest("pk"))
    assert facilitator.post(ask_url(version), ASKS[2]).status_code == 302
    assert ReportJob.objects.count() == 3


def test_an_organisation_has_only_so_many_reports_on_their_way(version, focal_a, org_a, settings):
    settings.REPORT_JOBS_PER_ORGANISATION = 1
    first = {"kind": "submission", "format": "docx", "organisation": org_a.pk}
    assert focal_a.post(ask_url(version), first).status_code == 302
    refused = focal_a.post(ask_url(version), first | {"format": "pdf"})
    assert refused.status_code == 429
    assert "Kenya already has 1 reports on their way" in refused.content.decode()
    assert ReportJob.objects.count() == 1


def test_a_job_lost_long_ago_no_longer_counts(version, facilitator, settings):
    settings.REPORT_JOBS_PER_PERSON = 1
    facilitator.post(ask_url(version), ASKS[0])
    hours = settings.REPORT_JOBS_COUNTED_HOURS + 1
    ReportJob.objects.update(created=timezone.now() - timedelta(hours=hours))
    assert facilitator.post(ask_url(version), ASKS[1]).status_code == 302


def test_report_tasks_go_to_their_own_queue_which_every_worker_consumes():
    from wsis.celery import app

    def queue_of(task):
        return app.amqp.router.route({}, task)["queue"].name

    assert queue_of("wsis.reports.tasks.render_report") == "reports"
    assert queue_of("wsis.reports.tasks.render_part") == "reports"
    assert queue_of("wsis.reports.tasks.merge_report") == "reports"
    assert queue_of("wsis.moderation.tasks.send_notifications") == "celery"
    # A worker started without -Q consumes every declared queue.
    assert {queue.name for queue in app.conf.task_queues} == {"celery", "reports"}


# Drafts --------------------------------------------------------------------------------------


def test_a_person_creates_only_so_many_drafts_an_hour(delegate_a, version, settings):
    settings.DRAFTS_PER_HOUR = 2
    token = str(uuid.uuid4())
    create(delegate_a, version, kind="comment", text="One.", form_token=token)
    create(delegate_a, version, kind="comment", text="Two.")
    refused = create(delegate_a, version, kind="comment", text="Three, kept.")
    html = refused.content.decode()
    assert refused.status_code == 429
    assert "as many drafts as one person may in an hour (2)" in html
    assert "Three, kept." in html
    assert Entry.objects.count() == 2
    # A form sent again is no new draft.
    again = create(delegate_a, version, kind="comment", text="One.", form_token=token)
    assert again.status_code == 302 and Entry.objects.count() == 2


def test_a_person_creates_only_so_many_drafts_a_day(delegate_a, version, settings):
    settings.DRAFTS_PER_DAY = 1
    create(delegate_a, version, kind="comment", text="Yesterday evening.")
    Entry.objects.update(created=timezone.now() - timedelta(hours=3))
    assert create(delegate_a, version, kind="comment", text="Today.").status_code == 429
    Entry.objects.update(created=timezone.now() - timedelta(hours=25))
    assert create(delegate_a, version, kind="comment", text="Today.").status_code == 302


def test_the_draft_limit_is_per_person(delegate_a, focal_a, version, settings):
    settings.DRAFTS_PER_HOUR = 1
    create(delegate_a, version, kind="comment", text="Mine.")
    assert create(focal_a, version, kind="comment", text="Also mine.").status_code == 302


# Invitations ---------------------------------------------------------------------------------


def test_a_focal_point_sends_only_so_many_invitations(focal_a, settings, mailoutbox):
    settings.INVITATIONS_PER_HOUR = 1
    invite = reverse("stakeholders:people_invite")
    assert focal_a.post(invite, {"email": "one@example.org"}).status_code == 302
    refused = focal_a.post(invite, {"email": "two@example.org"})
    assert refused.status_code == 429
    assert "as many invitations as one person may in an hour (1)" in refused.content.decode()
    assert list(Invitation.objects.values_list("email", flat=True)) == ["one@example.org"]


def test_a_facilitator_sends_only_so_many_invitations_a_day(facilitator, settings):
    settings.INVITATIONS_PER_DAY = 1
    invite = reverse("stakeholders:facilitators_invite", args=["wsis20"])
    assert facilitator.post(invite, {"email": "co@un.example"}).status_code == 302
    Invitation.objects.update(created=timezone.now() - timedelta(hours=5))
    assert facilitator.post(invite, {"email": "co2@un.example"}).status_code == 429
    assert Invitation.objects.count() == 1
