"""A negotiating group and its members are edited in the admin."""

import pytest
from django.urls import reverse

from tests.conftest import make_user, signed_in
from wsis.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return signed_in(make_user("root", is_staff=True, is_superuser=True))


def change(superuser, organisation, **fields):
    return superuser.post(
        reverse("admin:stakeholders_organisation_change", args=[organisation.pk]),
        {
            "name": organisation.name,
            "acronym": organisation.acronym,
            "group": organisation.group_id,
            "country": "",
            "website": "",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        }
        | fields,
    )


def test_the_admin_makes_an_organisation_a_group_with_members(superuser, g77, org_b, japan):
    response = change(superuser, g77, is_negotiating_group="on", members=[org_b.pk, japan.pk])
    assert response.status_code == 302
    assert set(g77.members.values_list("acronym", flat=True)) == {"UPU", "JPN"}
    assert "members" in AuditEvent.objects.get(action="organisation.changed").data["fields"]


def test_only_a_negotiating_group_has_members(superuser, org_b, japan):
    response = change(superuser, org_b, members=[japan.pk])
    assert response.status_code == 200
    assert "Only a negotiating group has members." in response.text
    assert not org_b.members.exists()


def test_a_group_is_not_its_own_member(superuser, g77, org_a):
    response = change(superuser, g77, is_negotiating_group="on", members=[org_a.pk, g77.pk])
    assert "A group cannot be a member of itself." in response.text
    assert list(g77.members.all()) == [org_a]
