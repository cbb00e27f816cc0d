from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from wsis.audit.models import AuditEvent, record
from wsis.drafts.models import Consultation, DeadlineExtension

pytestmark = pytest.mark.django_db

PAGE = reverse("moderation:round", args=["wsis20"])
UPDATE = reverse("moderation:round_update", args=["wsis20"])
EXTEND = reverse("moderation:extend", args=["wsis20"])
SETTINGS = reverse("moderation:settings", args=["wsis20"])


def test_it_closes_the_round_now(facilitator, version, org_a):
    response = facilitator.post(UPDATE, {"now": "close"})
    assert response.status_code == 302
    version.round.refresh_from_db()
    assert not version.round.is_open_for(org_a)
    assert AuditEvent.objects.filter(action="round.updated").exists()


def test_it_opens_the_round_now(facilitator, version, org_a):
    round_ = version.round
    round_.opens_at = timezone.now() + timedelta(days=2)
    round_.save()
    facilitator.post(UPDATE, {"now": "open", "closes_at": "2099-01-01T12:00"})
    round_.refresh_from_db()
    assert round_.is_open_for(org_a)
    # Typed in the consultation's time zone (New York), stored in UTC.
    assert round_.closes_at.astimezone(UTC).hour == 17


def test_it_sets_times_and_refuses_a_round_that_closes_before_it_opens(facilitator, version):
    before = version.round.closes_at
    response = facilitator.post(
        UPDATE, {"opens_at": "2030-01-02T09:00", "closes_at": "2030-01-01T09:00"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "The round must close after it opens." in text
    assert 'value="2030-01-02T09:00"' in text
    version.round.refresh_from_db()
    assert version.round.closes_at == before


def test_it_extends_the_deadline_for_one_organisation(facilitator, version, org_a, org_b):
    later = timezone.localtime(version.round.closes_at + timedelta(days=2), version.consultation.tz)
    response = facilitator.post(
        EXTEND, {"organisation": org_a.pk, "closes_at": later.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    assert version.round.closes_at_for(org_a) > version.round.closes_at
    assert version.round.closes_at_for(org_b) == version.round.closes_at
    # A second extension replaces the first.
    facilitator.post(
        EXTEND,
        {
            "organisation": org_a.pk,
            "closes_at": (later + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert DeadlineExtension.objects.count() == 1
    assert "Kenya" in facilitator.get(PAGE).content.decode()
    events = AuditEvent.objects.filter(action="round.extended").order_by("pk")
    assert [event.organisation for event in events] == [org_a, org_a]


def test_it_refuses_an_extension_that_ends_before_the_round(facilitator, version, org_a):
    response = facilitator.post(EXTEND, {"organisation": org_a.pk, "closes_at": "2000-01-01T00:00"})
    assert response.status_code == 400
    assert not DeadlineExtension.objects.exists()


def test_it_lists_refused_late_attempts(facilitator, make_entry, org_a, focal_a, version):
    entry = make_entry(org_a, status="draft", submitted_at=None)
    record("entry.refused_late", entry, actor=focal_a.user, organisation=org_a)
    other = Consultation.objects.create(slug="other", title="Other")
    record("entry.refused_late", other, actor=focal_a.user, organisation=org_a)
    response = facilitator.get(PAGE)
    assert [event.target for event in response.context["late"]] == [f"comments.entry:{entry.pk}"]
    assert "fatima" in response.content.decode()


def test_it_switches_between_publishing_at_once_and_holding_for_review(facilitator, consultation):
    facilitator.post(SETTINGS, {"publish_immediately": "on"})
    consultation.refresh_from_db()
    assert consultation.publish_immediately
    facilitator.post(SETTINGS, {})
    consultation.refresh_from_db()
    assert not consultation.publish_immediately
    assert AuditEvent.objects.filter(action="consultation.settings_changed").count() == 2
