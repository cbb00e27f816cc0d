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


# The workflow's models: the admin shows them and changes nothing. -------------------------

WORKFLOW = {
    # admin name: how to find an object of it in the world of the fixtures below
    "comments_entry": lambda w: w["entry"],
    "drafts_version": lambda w: w["version"],
    "drafts_section": lambda w: w["version"].sections.first(),
    "drafts_paragraph": lambda w: w["version"].paragraphs.get(label="26"),
    "drafts_commentround": lambda w: w["version"].round,
    "stakeholders_membership": lambda w: w["membership"],
    "stakeholders_stakeholdergroup": lambda w: w["org_b"].group,
    "reports_reportjob": lambda w: w["job"],
    "otp_totp_totpdevice": lambda w: w["device"],
}


@pytest.fixture
def workflow(version, org_b, delegate_b, facilitator):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from wsis.comments.models import Entry
    from wsis.reports.models import ReportJob

    paragraph = version.paragraphs.get(label="26")
    entry = Entry.objects.create(
        version=version, paragraph=paragraph, organisation=org_b, author=delegate_b.user,
        kind="comment", text="Published words.", status="submitted", moderation="published",
    )  # fmt: skip
    job = ReportJob.objects.create(
        requested_by=facilitator.user, version=version, kind=ReportJob.Kind.ENTRIES,
        format=ReportJob.Format.CSV, input_hash="e" * 64,
    )  # fmt: skip
    return {
        "version": version,
        "org_b": org_b,
        "entry": entry,
        "membership": delegate_b.user.memberships.get(),
        "job": job,
        "device": TOTPDevice.objects.get(user=facilitator.user),
    }


@pytest.mark.parametrize("name", WORKFLOW)
def test_the_admin_shows_the_workflow_but_changes_nothing(superuser, workflow, name):
    obj = WORKFLOW[name](workflow)
    change = reverse(f"admin:{name}_change", args=[obj.pk])
    page = superuser.get(change)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert superuser.get(reverse(f"admin:{name}_add")).status_code == 403
    assert superuser.post(change, {}).status_code == 403
    assert superuser.post(reverse(f"admin:{name}_delete", args=[obj.pk])).status_code == 403
    bulk = superuser.post(
        reverse(f"admin:{name}_changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_staff_cannot_rewrite_another_organisations_entry(superuser, workflow):
    entry = workflow["entry"]
    response = superuser.post(
        reverse("admin:comments_entry_change", args=[entry.pk]),
        {"text": "Rewritten by staff.", "organisation": entry.organisation_id},
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.text == "Published words."


def test_staff_cannot_make_themselves_a_focal_point(superuser, org_b):
    from wsis.stakeholders.models import Membership

    response = superuser.post(
        reverse("admin:stakeholders_membership_add"),
        {"user": superuser.user.pk, "organisation": org_b.pk, "role": "focal_point"},
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=superuser.user).exists()


def test_adding_a_facilitator_in_the_admin_is_audited(superuser, consultation):
    from wsis.audit.models import AuditEvent

    newcomer = make_user("nadia")
    response = superuser.post(
        reverse("admin:drafts_consultation_change", args=[consultation.pk]),
        {
            "slug": consultation.slug,
            "title": "WSIS+20",
            "time_zone": consultation.time_zone,
            "facilitators": [newcomer.pk],
            "versions-TOTAL_FORMS": 0,
            "versions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    event = AuditEvent.objects.get(action="consultation.changed")
    assert event.actor == superuser.user
    assert event.data["facilitators_added"] == [newcomer.pk]
    assert event.data["fields"] == ["title"]
    assert (
        superuser.post(
            reverse("admin:drafts_consultation_delete", args=[consultation.pk])
        ).status_code
        == 403
    )


def test_correcting_an_organisation_in_the_admin_is_audited(superuser, org_b):
    from wsis.audit.models import AuditEvent

    response = superuser.post(
        reverse("admin:stakeholders_organisation_change", args=[org_b.pk]),
        {
            "name": "Universal Postal Union (UPU)",
            "acronym": org_b.acronym,
            "group": org_b.group_id,
            "country": "",
            "website": "",
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    event = AuditEvent.objects.get(action="organisation.changed")
    assert event.organisation == org_b and event.data["fields"] == ["name"]
    delete = reverse("admin:stakeholders_organisation_delete", args=[org_b.pk])
    assert superuser.post(delete).status_code == 403


# The admin behind the second factor. ---------------------------------------------------------


def test_with_the_second_factor_required_the_admin_wants_a_verified_session(
    settings, superuser, facilitator, version
):
    settings.FACILITATOR_REQUIRE_2FA = True
    changelist = reverse("admin:drafts_paragraph_changelist")
    response = superuser.get(changelist)
    assert response.status_code == 302 and "/admin/login/" in response.url
    login = superuser.get(response.url)
    assert "otp_token" in login.context["form"].fields
    # The facilitator persona is staff and has confirmed a code in this session.
    facilitator.user.user_permissions.set(Permission.objects.filter(codename="view_paragraph"))
    assert facilitator.get(changelist).status_code == 200


def test_without_the_setting_the_admin_wants_no_code(superuser, version):
    assert superuser.get(reverse("admin:drafts_paragraph_changelist")).status_code == 200


def test_demo_facilitators_are_not_staff(db, settings):
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    User = get_user_model()
    User.objects.create_user("facilitator", is_staff=True)
    # pytest-django turns DEBUG off, and load_demo refuses to run then.
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    facilitator = User.objects.get(username="facilitator")
    assert not facilitator.is_staff
    assert not facilitator.user_permissions.exists()
    assert facilitator.facilitated_consultations.exists()
