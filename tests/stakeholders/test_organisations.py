"""A facilitator invites an organisation's focal point again, replacing the links sent before."""

import pytest
from django.urls import reverse

from tests.conftest import group
from tests.stakeholders.conftest import PERSONAS, issue, links_in
from wsis.audit.models import AuditEvent
from wsis.stakeholders.models import Invitation, Organisation

LIST = reverse("stakeholders:organisations", args=["wsis20"])


def reinvite_url(organisation):
    return reverse("stakeholders:organisation_reinvite", args=["wsis20", organisation.pk])


EXPECTED = {"anonymous": 302, "delegate_a": 403, "focal_a": 403, "delegate_b": 403}


@pytest.mark.parametrize("name", PERSONAS)
def test_only_facilitators_reinvite(persona, consultation, org_a, name):
    client = persona(name)
    assert client.get(LIST).status_code == EXPECTED.get(name, 200)
    response = client.post(reinvite_url(org_a), {"email": "new.focal@ken.example"})
    assert response.status_code == EXPECTED.get(name, 302)
    invited = Invitation.objects.filter(email="new.focal@ken.example").exists()
    assert invited == (name == "facilitator")


def test_the_page_lists_focal_points_and_open_invitations(facilitator, org_a, org_b, focal_a):
    issue(email="lost@upu.example", role=Invitation.Role.FOCAL_POINT, organisation=org_b)
    response = facilitator.get(LIST)
    html = response.content.decode()
    assert "fatima@example.org" in html and "lost@upu.example" in html
    assert reinvite_url(org_a) in html and reinvite_url(org_b) in html
    # The new invitation's address starts as the one the lost link went to.
    assert 'value="lost@upu.example"' in html
    assert (
        LIST
        in facilitator.get(
            reverse("stakeholders:accreditation_list", args=["wsis20"])
        ).content.decode()
    )


def test_a_new_invitation_replaces_the_open_ones_and_is_audited(
    facilitator, org_b, mailoutbox, django_capture_on_commit_callbacks
):
    lost = issue(email="lost@upu.example", role=Invitation.Role.FOCAL_POINT, organisation=org_b)
    delegate = issue(email="delegate@upu.example", organisation=org_b)
    with django_capture_on_commit_callbacks(execute=True):
        response = facilitator.post(reinvite_url(org_b), {"email": "Focal@UPU.example"})
    assert response.status_code == 302 and response.url == LIST
    lost.refresh_from_db()
    assert not lost.is_open
    assert Invitation.objects.get(pk=delegate.pk).is_open  # a delegate's link is not theirs
    new = Invitation.objects.open().get(organisation=org_b, role="focal_point")
    assert new.email == "focal@upu.example" and new.invited_by == facilitator.user
    (mail,) = mailoutbox
    assert mail.to == ["focal@upu.example"] and "focal point of Universal Postal Union" in mail.body
    assert links_in(mail)[0].startswith("http://testserver/stakeholders/invitation/")
    assert facilitator.get(lost.link).status_code == 410
    events = AuditEvent.objects.filter(organisation=org_b).values_list("action", flat=True)
    assert {"invitation.withdrawn", "invitation.sent"} <= set(events)


def test_a_bad_address_is_refused_and_changes_nothing(facilitator, org_b):
    lost = issue(email="lost@upu.example", role=Invitation.Role.FOCAL_POINT, organisation=org_b)
    response = facilitator.post(reinvite_url(org_b), {"email": "not an address"})
    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()
    assert Invitation.objects.get(pk=lost.pk).is_open
    assert Invitation.objects.count() == 1


def test_an_unknown_organisation_is_404(facilitator, consultation):
    url = reverse("stakeholders:organisation_reinvite", args=["wsis20", 999999])
    assert facilitator.post(url, {"email": "a@example.org"}).status_code == 404


def test_an_organisation_not_accredited_here_is_not_theirs(facilitator, org_a):
    elsewhere = Organisation.objects.create(
        name="Elsewhere Institute", acronym="ELS", group=group("civil_society")
    )
    response = facilitator.post(reinvite_url(elsewhere), {"email": "focal@els.example"})
    assert response.status_code == 404
    assert not Invitation.objects.filter(organisation=elsewhere).exists()
    assert "Elsewhere Institute" not in facilitator.get(LIST).content.decode()
