from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from tests.stakeholders.conftest import PERSONAS, issue
from wsis.audit.models import AuditEvent
from wsis.stakeholders import services
from wsis.stakeholders.models import Invitation, Membership

GOOD = {
    "first_name": "Nia",
    "last_name": "Otieno",
    "password1": "Kilimanjaro-1963-plenary",
    "password2": "Kilimanjaro-1963-plenary",
}


def test_it_stores_only_a_hash_of_the_token(invitation):
    token = invitation.link.rstrip("/").rsplit("/", 1)[1]
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert invitation.expires_at > timezone.now() + timedelta(days=6)


def test_it_offers_a_new_person_to_set_a_password(anonymous, invitation):
    response = anonymous.get(invitation.link)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Join Kenya" in html and "newcomer@example.org" in html
    assert 'name="password1"' in html


def test_setting_a_password_creates_the_account_and_membership(anonymous, invitation):
    response = anonymous.post(invitation.link, GOOD)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"
    user = get_user_model().objects.get(email="newcomer@example.org")
    assert user.username == "newcomer@example.org" and user.check_password(GOOD["password1"])
    assert user.get_full_name() == "Nia Otieno"
    membership = Membership.objects.get(user=user)
    assert membership.organisation == invitation.organisation and membership.role == "delegate"
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and not invitation.is_open
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert {"user.created", "invitation.accepted", "membership.added"} <= set(actions)


def test_it_applies_the_password_validators(anonymous, invitation):
    data = dict(GOOD, password1="12345678", password2="12345678")
    response = anonymous.post(invitation.link, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "too common" in html and "entirely numeric" in html
    assert 'value="Nia"' in html  # what was typed is kept
    assert not get_user_model().objects.filter(email="newcomer@example.org").exists()


def test_it_refuses_differing_passwords(anonymous, invitation):
    response = anonymous.post(invitation.link, dict(GOOD, password2="something else 99"))
    assert response.status_code == 400 and b"The two passwords differ" in response.content


def test_a_used_link_explains_and_points_to_sign_in(anonymous, invitation):
    anonymous.post(invitation.link, GOOD)
    response = anonymous.get(invitation.link)
    assert response.status_code == 410
    html = response.content.decode()
    assert "already been used" in html and reverse("login") in html
    assert reverse("password_reset") in html
    assert get_user_model().objects.filter(email="newcomer@example.org").count() == 1


def test_a_form_sent_twice_sends_the_second_to_sign_in(anonymous, invitation):
    assert anonymous.post(invitation.link, GOOD).status_code == 302
    response = anonymous.post(invitation.link, GOOD, follow=True)
    assert response.redirect_chain[0][0] == f"{reverse('login')}?next=/"
    assert "Your account already exists" in response.content.decode()
    assert get_user_model().objects.filter(email="newcomer@example.org").count() == 1


def test_a_double_click_racing_the_first_submission_gets_sign_in_not_an_error(
    anonymous, invitation, monkeypatch
):
    from wsis.stakeholders import views

    # The second request read the invitation (still open) and found no account for the
    # address before the first one committed; it goes on to create the account after.
    stale = Invitation.objects.get(pk=invitation.pk)
    assert anonymous.post(invitation.link, GOOD).status_code == 302
    real_account_for, lookups = services.account_for, []

    def read_before_the_first_commit(email):
        lookups.append(email)
        return None if len(lookups) == 1 else real_account_for(email)

    monkeypatch.setattr(views, "invitation_by_token", lambda token: stale)
    monkeypatch.setattr(services, "account_for", read_before_the_first_commit)
    response = anonymous.post(invitation.link, GOOD, follow=True)
    assert response.redirect_chain[0][0] == f"{reverse('login')}?next=/"
    assert "Your account already exists" in response.content.decode()
    assert get_user_model().objects.filter(email="newcomer@example.org").count() == 1


def test_an_expired_link_explains_how_to_get_a_new_one(anonymous, expired_invitation):
    response = anonymous.get(expired_invitation.link)
    assert response.status_code == 410
    html = response.content.decode()
    assert "has expired" in html and "Ask the focal point of Kenya" in html
    response = anonymous.post(expired_invitation.link, GOOD)
    assert response.status_code == 410
    assert not get_user_model().objects.filter(email="newcomer@example.org").exists()


def test_a_replaced_link_says_so(anonymous, org_a, focal_a):
    first = issue(organisation=org_a)
    services.invite(
        email="newcomer@example.org", role="delegate", invited_by=focal_a.user,
        base_url="http://testserver/", organisation=org_a,
    )  # fmt: skip
    response = anonymous.get(first.link)
    assert response.status_code == 410 and b"withdrawn" in response.content


def test_an_unknown_token_is_404(anonymous, db):
    response = anonymous.get(reverse("stakeholders:accept", args=["nonsense"]))
    assert response.status_code == 404


def test_an_existing_account_is_asked_to_sign_in(anonymous, delegate_b, org_a):
    invitation = issue(email="BOB@example.org", organisation=org_a)
    response = anonymous.get(invitation.link)
    assert response.status_code == 200
    html = response.content.decode()
    assert "already has an account" in html and f"next={invitation.link}" in html
    assert anonymous.post(invitation.link, GOOD).status_code == 200
    assert get_user_model().objects.filter(email__iexact="bob@example.org").count() == 1


def test_a_signed_in_person_joins_a_second_organisation(delegate_b, org_a):
    invitation = issue(email="bob@example.org", organisation=org_a)
    response = delegate_b.get(invitation.link)
    assert response.status_code == 200 and b"Accept" in response.content
    response = delegate_b.post(invitation.link)
    assert response.status_code == 302
    orgs = set(delegate_b.user.memberships.values_list("organisation__acronym", flat=True))
    assert orgs == {"KEN", "UPU"}
    assert delegate_b.session["acting_for"] == org_a.pk  # they now act for the new one


def test_a_focal_point_invitation_promotes_a_delegate(delegate_a, org_a):
    invitation = issue(email="alice@example.org", role="focal_point", organisation=org_a)
    delegate_a.post(invitation.link)
    assert Membership.objects.get(user=delegate_a.user).role == "focal_point"
    assert AuditEvent.objects.filter(action="membership.changed").count() == 1


def test_a_facilitator_invitation_adds_a_facilitator(anonymous, consultation):
    invitation = issue(email="co@un.example", role="facilitator", consultation=consultation)
    html = anonymous.get(invitation.link).content.decode()
    assert "Join WSIS+20 review" in html
    anonymous.post(invitation.link, GOOD)
    user = get_user_model().objects.get(email="co@un.example")
    assert consultation.is_facilitator(user)
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.parametrize("name", PERSONAS)
def test_every_persona_reaches_the_link(persona, invitation, name):
    assert persona(name).get(invitation.link).status_code == 200


def test_it_refuses_other_methods(anonymous, invitation):
    assert anonymous.put(invitation.link).status_code == 405


def test_a_spent_invitation_cannot_be_accepted_twice(invitation, delegate_b):
    services.accept(invitation, delegate_b.user)
    with pytest.raises(services.OnboardingError):
        services.accept(Invitation.objects.get(pk=invitation.pk), delegate_b.user)


def test_a_username_equal_to_the_address_counts_as_an_account(anonymous, org_a):
    get_user_model().objects.create_user(username="taken@example.org", email="other@example.org")
    invitation = issue(email="taken@example.org", organisation=org_a)
    response = anonymous.get(invitation.link)
    assert b"already has an account" in response.content


def test_a_member_opening_their_organisations_link_is_told_it_adds_nothing(delegate_a, invitation):
    response = delegate_a.get(invitation.link)
    assert b"already belongs to Kenya" in response.content
    assert b">Accept</button>" not in response.content
