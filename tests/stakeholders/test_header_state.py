"""The person's header state (memberships, consultations facilitated) is cached, and follows
every change that shows in it at once."""

import pytest
from django.test import RequestFactory

from tests.conftest import accreditation_request, make_user
from wsis.stakeholders.access import facilitated_consultations, request_memberships
from wsis.stakeholders.models import Membership

pytestmark = pytest.mark.django_db


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    request.session = {}
    return request


def memberships(user) -> list[tuple[str, str]]:
    return [(m.organisation.acronym, m.role) for m in request_memberships(request_of(user))]


def facilitated(user) -> list[tuple[str, int]]:
    request = request_of(user)
    return [(c.slug, c.pending_requests) for c in facilitated_consultations(request)]


def test_a_second_page_reads_none_of_it_again(delegate_a, django_assert_num_queries):
    user = delegate_a.user
    assert memberships(user) == [("KEN", "delegate")]
    with django_assert_num_queries(0):
        request = request_of(user)
        membership = request_memberships(request)[0]
        assert membership.organisation.name == "Kenya"
        assert membership.organisation.group.code == "member_state"
        assert facilitated_consultations(request) == []


def test_memberships_follow_their_changes_at_once(delegate_a, org_b):
    user = delegate_a.user
    assert memberships(user) == [("KEN", "delegate")]
    joined = Membership.objects.create(user=user, organisation=org_b, role="focal_point")
    assert memberships(user) == [("KEN", "delegate"), ("UPU", "focal_point")]
    joined.role = Membership.Role.DELEGATE
    joined.save()
    assert memberships(user) == [("KEN", "delegate"), ("UPU", "delegate")]
    joined.delete()
    assert memberships(user) == [("KEN", "delegate")]


def test_an_organisation_renamed_shows_in_its_members_headers(delegate_a, org_a):
    assert request_memberships(request_of(delegate_a.user))[0].organisation.name == "Kenya"
    org_a.name = "Republic of Kenya"
    org_a.save()
    assert request_memberships(request_of(delegate_a.user))[0].organisation.name == (
        "Republic of Kenya"
    )


def test_facilitators_follow_their_appointment_and_the_requests_pending(facilitator, consultation):
    user = facilitator.user
    user.is_verified = lambda: True  # as OTPMiddleware marks a confirmed session
    assert facilitated(user) == [("wsis20", 0)]
    accreditation_request(consultation)
    assert facilitated(user) == [("wsis20", 1)]
    consultation.facilitators.remove(user)
    assert facilitated(user) == []
    user.facilitated_consultations.add(consultation)
    assert facilitated(user) == [("wsis20", 1)]


def test_a_facilitator_without_a_second_factor_acts_as_none_even_once_cached(
    unverified_facilitator,
):
    user = unverified_facilitator.user
    assert facilitated(user) == []
    user.is_verified = lambda: True
    assert facilitated(user) == [("wsis20", 0)]
    user.is_verified = lambda: False
    assert facilitated(user) == []


def test_nobody_is_given_anothers_state(delegate_a, delegate_b, facilitator):
    facilitator.user.is_verified = lambda: True
    for _ in range(2):  # read, then cached
        assert memberships(delegate_a.user) == [("KEN", "delegate")]
        assert memberships(delegate_b.user) == [("UPU", "delegate")]
        assert memberships(facilitator.user) == []
        assert facilitated(delegate_a.user) == []
        assert facilitated(facilitator.user) == [("wsis20", 0)]
    assert memberships(make_user("nobody")) == []
