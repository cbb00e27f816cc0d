import pytest
from django.core import signing
from django.urls import reverse

from tests.conftest import make_user
from tests.stakeholders.conftest import PERSONAS, issue, links_in
from wsis.audit.models import AuditEvent
from wsis.stakeholders import views
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


def test_removing_asks_first(focal_a, delegate_a):
    membership = Membership.objects.get(user=delegate_a.user)
    url = reverse("stakeholders:people_remove", args=[membership.pk])
    response = focal_a.get(url)
    assert response.status_code == 200
    assert f'action="{url}"' in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
    # The People page links to that question rather than removing at once.
    assert f'href="{url}"' in focal_a.get(reverse("stakeholders:people")).content.decode()


def test_a_removal_can_be_undone(focal_a, delegate_a):
    membership = Membership.objects.get(user=delegate_a.user)
    focal_a.post(reverse("stakeholders:people_remove", args=[membership.pk]))
    page = focal_a.get(reverse("stakeholders:people")).content.decode()
    assert "was removed." in page and "Undo" in page
    token = focal_a.session["undo_removal"]
    response = focal_a.post(reverse("stakeholders:people_restore"), {"token": token}, follow=True)
    assert b"is back as a delegate" in response.content
    restored = Membership.objects.get(user=delegate_a.user, organisation=membership.organisation)
    assert restored.role == "delegate"
    assert AuditEvent.objects.get(action="membership.restored").actor == focal_a.user
    # Sent twice (a double click), it restores once and offers no more undo.
    focal_a.post(reverse("stakeholders:people_restore"), {"token": token})
    assert Membership.objects.filter(user=delegate_a.user).count() == 1
    assert AuditEvent.objects.filter(action="membership.restored").count() == 1
    assert b"was removed." not in focal_a.get(reverse("stakeholders:people")).content


def test_an_undo_expires(focal_a, delegate_a, monkeypatch):
    membership = Membership.objects.get(user=delegate_a.user)
    focal_a.post(reverse("stakeholders:people_remove", args=[membership.pk]))
    token = focal_a.session["undo_removal"]
    monkeypatch.setattr(views, "UNDO_SECONDS", -1)
    response = focal_a.post(reverse("stakeholders:people_restore"), {"token": token}, follow=True)
    assert b"can no longer be undone" in response.content
    assert not Membership.objects.filter(user=delegate_a.user).exists()
    assert b"was removed." not in focal_a.get(reverse("stakeholders:people")).content


def test_an_undo_is_for_the_organisation_it_was_made_for(focal_a, delegate_b):
    # A token of organisation B's removal, sent by A's focal point, restores nobody.
    membership = Membership.objects.get(user=delegate_b.user)
    membership.delete()
    token = signing.dumps(
        {"user": delegate_b.user.pk, "organisation": membership.organisation_id},
        salt=views.UNDO_SALT,
    )
    response = focal_a.post(reverse("stakeholders:people_restore"), {"token": token})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=delegate_b.user).exists()


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
