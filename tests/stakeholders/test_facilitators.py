import pytest
from django.urls import reverse

from tests.stakeholders.conftest import PERSONAS, links_in
from wsis.stakeholders.models import Invitation

PAGE = reverse("stakeholders:facilitators", args=["wsis20"])
INVITE = reverse("stakeholders:facilitators_invite", args=["wsis20"])
EXPECTED = {"anonymous": 302, "delegate_a": 403, "focal_a": 403, "delegate_b": 403}


@pytest.mark.parametrize("name", PERSONAS)
def test_only_facilitators_see_the_facilitators(persona, consultation, name):
    response = persona(name).get(PAGE)
    assert response.status_code == EXPECTED.get(name, 200)
    if name == "facilitator":
        assert b"faye@example.org" in response.content


@pytest.mark.parametrize("name", PERSONAS)
def test_only_facilitators_invite_facilitators(persona, consultation, name):
    response = persona(name).post(INVITE, {"email": "co@un.example"})
    assert response.status_code == EXPECTED.get(name, 302)
    assert Invitation.objects.exists() == (name == "facilitator")


def test_it_refuses_get_on_invite(facilitator):
    assert facilitator.get(INVITE).status_code == 405


def test_a_facilitator_invites_a_facilitator(
    facilitator, consultation, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        facilitator.post(INVITE, {"email": "co@un.example"})
    invitation = Invitation.objects.get()
    assert invitation.role == "facilitator" and invitation.consultation == consultation
    (mail,) = mailoutbox
    assert "join the facilitators" in mail.body and links_in(mail)
    assert b"co@un.example" in facilitator.get(PAGE).content


def test_a_bad_address_is_refused(facilitator):
    response = facilitator.post(INVITE, {"email": "nope"})
    assert response.status_code == 400 and not Invitation.objects.exists()
