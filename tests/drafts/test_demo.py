import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry
from wsis.drafts.models import Consultation, Paragraph
from wsis.stakeholders.models import Membership, Organisation, StakeholderGroup


def snapshot():
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Consultation, Paragraph, Organisation, Membership, Entry, AuditEvent)
    } | {"users": list(get_user_model().objects.order_by("pk").values("username", "password"))}


@pytest.mark.django_db
def test_load_demo_creates_the_wsis20_consultation(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    consultation = Consultation.objects.get(slug="wsis20")
    version = consultation.versions.get(label="Zero draft")
    assert version.paragraphs.count() == 155
    assert version.round.opens_at < version.round.closes_at
    upu = Organisation.objects.get(acronym="UPU")
    assert upu.group.code == "un_system"
    for group in StakeholderGroup.objects.all():
        assert group.organisations.exists(), group
    assert consultation.facilitators.filter(username="facilitator").exists()
    assert "upu.focal" in out and "facilitator" in out and "wsis20-demo" in out


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first
