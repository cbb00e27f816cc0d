import pytest
from django.urls import reverse

from wsis.stakeholders.models import Membership

URL = reverse("stakeholders:act_for")


@pytest.fixture
def consultant(delegate_a, org_b):
    """Alice advises two delegations: Kenya and the UPU."""
    Membership.objects.create(user=delegate_a.user, organisation=org_b, role="delegate")
    return delegate_a


def test_a_person_of_several_organisations_chooses_one(consultant, org_a, org_b, version):
    html = consultant.get(reverse("stakeholders:account")).content.decode()
    assert 'name="organisation"' in html and "Acting for: KEN (switch)" in html
    response = consultant.post(URL, {"organisation": org_b.pk, "next": "/c/wsis20/"})
    assert response.status_code == 302 and response.url == "/c/wsis20/"
    assert consultant.session["acting_for"] == org_b.pk
    html = consultant.get("/c/wsis20/").content.decode()
    assert "Acting for: UPU (switch)" in html


def test_one_cannot_act_for_an_organisation_one_is_not_in(delegate_a, org_b, version):
    response = delegate_a.post(URL, {"organisation": org_b.pk}, follow=True)
    assert b"not a member of that organisation" in response.content
    assert "acting_for" not in delegate_a.session


def test_it_ignores_a_foreign_next(consultant, org_b):
    response = consultant.post(URL, {"organisation": org_b.pk, "next": "https://evil.example/"})
    assert response.url == reverse("home")


def test_it_refuses_nonsense_and_get(consultant):
    assert consultant.post(URL, {"organisation": "x"}).status_code == 302
    assert consultant.get(URL).status_code == 405


def test_anonymous_is_sent_to_sign_in(anonymous, db):
    assert anonymous.post(URL, {"organisation": 1}).url.startswith(reverse("login"))


def test_one_organisation_is_shown_without_a_switch(focal_a, version):
    html = focal_a.get("/c/wsis20/").content.decode()
    assert "Acting for: KEN" in html and "(switch)" not in html
    assert reverse("stakeholders:people") in html


def test_facilitators_see_their_pages_in_the_menu(facilitator, version):
    html = facilitator.get("/c/wsis20/").content.decode()
    assert reverse("stakeholders:accreditation_list", args=["wsis20"]) in html


def test_facilitators_see_how_many_requests_wait(facilitator, accreditation, version):
    html = " ".join(facilitator.get("/c/wsis20/").content.decode().split())
    # The count in the bar; its unit is read out, not shown, to keep the header to one row.
    assert '<span class="badge">1<span class="visually-hidden"> waiting</span></span>' in html


@pytest.mark.parametrize("name", ["delegate_a", "focal_a", "delegate_b", "facilitator"])
def test_no_one_acts_for_an_organisation_of_others(request, org_a, org_b, name):
    client = request.getfixturevalue(name)
    target = org_b if name in ("delegate_a", "focal_a") else org_a
    client.post(URL, {"organisation": target.pk})
    assert client.session.get("acting_for") is None
