import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.conftest import make_user, signed_in

ADMIN_LISTS = [
    "drafts_consultation",
    "drafts_version",
    "drafts_section",
    "drafts_paragraph",
    "drafts_commentround",
    "stakeholders_organisation",
    "stakeholders_membership",
    "stakeholders_stakeholdergroup",
    "comments_entry",
    "audit_auditevent",
    "reports_reportjob",
]


@pytest.fixture
def superuser(db):
    return signed_in(make_user("root", is_staff=True, is_superuser=True))


@pytest.mark.parametrize("name", ADMIN_LISTS)
def test_every_admin_list_loads(superuser, version, name):
    response = superuser.get(reverse(f"admin:{name}_changelist"), {"q": "digital"})
    assert response.status_code == 200


def test_a_paragraph_change_page_loads(superuser, version):
    paragraph = version.paragraphs.get(label="26")
    response = superuser.get(reverse("admin:drafts_paragraph_change", args=[paragraph.pk]))
    assert response.status_code == 200


def test_a_facilitator_with_permissions_searches_paragraphs(facilitator, version):
    facilitator.user.user_permissions.set(
        Permission.objects.filter(content_type__model__in=["paragraph", "organisation"])
    )
    response = facilitator.get(reverse("admin:drafts_paragraph_changelist"), {"q": "post"})
    assert response.status_code == 200
    response = facilitator.get(
        reverse("admin:drafts_paragraph_changelist"), {"kind__exact": "preambular"}
    )
    assert response.content.count(b'class="field-display_label"') == 7


def test_delegates_cannot_reach_the_admin(delegate_a):
    response = delegate_a.get(reverse("admin:drafts_paragraph_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url
