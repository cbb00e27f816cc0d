import pytest
from django.urls import reverse

from tests.conftest import make_user
from tests.stakeholders.conftest import PERSONAS, issue, links_in
from wsis.audit.models import AuditEvent
from wsis.stakeholders.models import Invitation, Membership

PEOPLE = reverse("stakeholders:people")
INVITE = reverse("stakeholders:people_invite")
EXPECTED = {"anonymous": 302, "delegate_a": 403, "focal_a": 200, "delegate_b": 403}


@pytest.mark.parametrize("name", PERSONAS)
def test_only_a_focal_point_sees_their_people(persona, delegate_a, name):
    response = persona(name).get(PEOPLE)
    assert response.status_code == EXPECTED.get(name, 403)
    if name == "focal_a":
        html = response.content.decode()
        assert "alice@example.org" in html and "fatima@example.org" in html
        assert "bob@example.org" not in html


@pytest.mark.parametrize("name", PERSONAS)
def test_only_a_focal_point_invites(persona, org_a, name, mailoutbox):
    client = persona(name)
    response = client.post(INVITE, {"email": "new@example.org"})
    assert response.status_code == (302 if name == "focal_a" else EXPECTED.get(name, 403))
    assert Invitation.objects.exists() == (name == "focal_a")


def test_it_refuses_get_on_actions(focal_a, delegate_a):
    membership = Membership.objects.get(user=delegate_a.user)
    assert focal_a.get(INVITE).status_code == 405
    assert (
        focal_a.get(reverse("stakeholders:people_remove", args=[membership.pk])).status_code == 405
    )
    invitation = issue(organisation=membership.organisation)
    url = reverse("stakeholders:invitation_withdraw", args=[invitation.pk])
    assert focal_a.get(url).status_code == 405


def test_an_invitation_goes_out_by_mail_after_commit(
    focal_a, org_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = focal_a.post(INVITE, {"email": " New@Example.org "})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "new@example.org" and invitation.role == "delegate"
    assert invitation.organisation == org_a and invitation.invited_by == focal_a.user
    (mail,) = mailoutbox
    assert mail.to == ["new@example.org"] and "delegate of Kenya" in mail.body
    assert links_in(mail)[0].startswith("http://testserver/stakeholders/invitation/")
    event = AuditEvent.objects.get(action="invitation.sent")
    assert event.actor == focal_a.user and event.organisation == org_a


def test_it_answers_the_same_for_an_address_with_an_account(focal_a, delegate_b):
    known = focal_a.post(INVITE, {"email": "bob@example.org"}, follow=True)
    unknown = focal_a.post(INVITE, {"email": "nobody@example.org"}, follow=True)
    assert b"Invitation sent to bob@example.org" in known.content
    assert b"Invitation sent to nobody@example.org" in unknown.content


def test_a_bad_address_is_refused_and_kept(focal_a):
    response = focal_a.post(INVITE, {"email": "not an address"})
    assert response.status_code == 400
    assert b'value="not an address"' in response.content
    assert not Invitation.objects.exists()


def test_a_focal_point_removes_a_delegate(focal_a, delegate_a):
    membership = Membership.objects.get(user=delegate_a.user)
    response = focal_a.post(reverse("stakeholders:people_remove", args=[membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="membership.removed")
    assert event.actor == focal_a.user and event.data["user"] == delegate_a.user.pk


@pytest.mark.parametrize("name", PERSONAS)
def test_only_the_focal_point_removes(persona, delegate_a, name):
    if name == "focal_a":
        return
    membership = Membership.objects.get(user=delegate_a.user)
    response = persona(name).post(reverse("stakeholders:people_remove", args=[membership.pk]))
    assert response.status_code == EXPECTED.get(name, 403)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_focal_point_cannot_remove_another_organisations_people(focal_a, delegate_b):
    membership = Membership.objects.get(user=delegate_b.user)
    response = focal_a.post(reverse("stakeholders:people_remove", args=[membership.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_focal_point_cannot_remove_a_focal_point(focal_a, org_a):
    other = make_user("omar")
    membership = Membership.objects.create(user=other, organisation=org_a, role="focal_point")
    response = focal_a.post(reverse("stakeholders:people_remove", args=[membership.pk]))
    assert response.status_code == 404


def test_a_focal_point_withdraws_an_invitation(focal_a, org_a, org_b, anonymous):
    invitation = issue(organisation=org_a)
    response = focal_a.post(reverse("stakeholders:invitation_withdraw", args=[invitation.pk]))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert anonymous.get(invitation.link).status_code == 410
    theirs = issue(organisation=org_b)
    url = reverse("stakeholders:invitation_withdraw", args=[theirs.pk])
    assert focal_a.post(url).status_code == 404


def test_a_focal_point_sees_open_invitations(focal_a, org_a):
    issue(email="pending@example.org", organisation=org_a)
    assert b"pending@example.org" in focal_a.get(PEOPLE).content


@pytest.mark.parametrize("name", PERSONAS)
def test_only_the_focal_point_withdraws(persona, org_a, delegate_a, name):
    invitation = issue(organisation=org_a)
    response = persona(name).post(reverse("stakeholders:invitation_withdraw", args=[invitation.pk]))
    assert response.status_code == (302 if name == "focal_a" else EXPECTED.get(name, 403))
    invitation.refresh_from_db()
    assert (invitation.revoked_at is not None) == (name == "focal_a")
