"""Accreditation is per consultation: it is what lets an organisation take part in one
(issue #15, item 3). Reading published text needs none."""

import importlib

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import accreditation_request, group, make_user, signed_in
from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry
from wsis.drafts.models import Consultation
from wsis.stakeholders.models import Accreditation, Membership, Organisation

MIGRATION = importlib.import_module("wsis.stakeholders.migrations.0004_visibility_accreditation")


@pytest.fixture
def other(db):
    return Consultation.objects.create(slug="other", title="Another consultation")


def accredited_to(organisation):
    return sorted(organisation.accreditations.values_list("consultation__slug", flat=True))


def test_approval_accredits_to_the_consultation_of_the_request_only(
    facilitator, consultation, other
):
    request = accreditation_request(consultation)
    url = reverse("stakeholders:accreditation_approve", args=["wsis20", request.pk])
    assert facilitator.post(url).status_code == 302
    assert accredited_to(Organisation.objects.get(acronym="DRC")) == ["wsis20"]


def test_bulk_registration_accredits_to_the_facilitators_consultation(
    facilitator, consultation, other
):
    ghana = Organisation.objects.create(name="Ghana", acronym="GHA", group=group("member_state"))
    ghana.accredit(other)
    csv = (
        "name,acronym,group,focal_point_email\n"
        "Ghana,GHA,member_state,focal@ghana.example\n"
        "Chile,CHL,member_state,focal@chile.example\n"
    )
    response = facilitator.post(
        reverse("stakeholders:bulk_register", args=["wsis20"]),
        {"file": SimpleUploadedFile("orgs.csv", csv.encode(), "text/csv")},
    )
    assert response.status_code == 200
    assert accredited_to(Organisation.objects.get(acronym="CHL")) == ["wsis20"]
    # Listed by this consultation's facilitator: admitted here too, and the log says so.
    assert accredited_to(ghana) == ["other", "wsis20"]
    assert AuditEvent.objects.filter(action="organisation.accredited").count() == 1


def test_a_focal_point_accredited_elsewhere_neither_writes_nor_compiles_here(version, other):
    chile = Organisation.objects.create(name="Chile", acronym="CHL", group=group("member_state"))
    chile.accredit(other)
    user = make_user("carla")
    Membership.objects.create(user=user, organisation=chile, role=Membership.Role.FOCAL_POINT)
    client = signed_in(user)
    paragraph = version.paragraphs.get(label="26")
    response = client.post(
        reverse("comments:create", args=[paragraph.pk]), {"kind": "comment", "text": "Hi."}
    )
    assert response.status_code == 403
    assert not Entry.objects.exists()
    assert client.get(reverse("reports:index", args=["wsis20", "Zero draft"])).status_code == 403
    # Reading stays public.
    assert client.get(reverse("comments:panel", args=[paragraph.pk])).status_code == 200
    chile.accredit(version.consultation)
    response = client.post(
        reverse("comments:create", args=[paragraph.pk]), {"kind": "comment", "text": "Hi."}
    )
    assert response.status_code == 302 and Entry.objects.count() == 1


def test_the_migration_keeps_who_took_part_taking_part(consultation, other, delegate_b):
    """Approved requests: their consultation; entries: theirs; no request: every one."""
    approved = Organisation.objects.create(name="DRC", acronym="DRC", group=group("civil_society"))
    accreditation_request(consultation, status="approved", organisation=approved)
    wrote = Organisation.objects.create(name="ISOC", acronym="ISOC", group=group("technical"))
    accreditation_request(other, status="approved", organisation=wrote)
    version = consultation.versions.create(label="Zero draft")
    section = version.sections.create(heading="Preamble", order=1)
    paragraph = version.paragraphs.create(section=section, label="A", kind="preambular", order=1)
    Entry.objects.create(
        version=version, paragraph=paragraph, organisation=wrote, author=delegate_b.user,
        kind="comment", text="Before.",
    )  # fmt: skip
    bulk = Organisation.objects.create(name="Ghana", acronym="GHA", group=group("member_state"))
    Accreditation.objects.all().delete()
    MIGRATION.accredit_existing(apps, None)
    assert accredited_to(approved) == ["wsis20"]
    assert accredited_to(wrote) == ["other", "wsis20"]
    assert accredited_to(bulk) == ["other", "wsis20"]
