import pytest
from django.urls import reverse

from tests.conftest import group
from tests.stakeholders.conftest import PERSONAS, links_in
from wsis.audit.models import AuditEvent
from wsis.stakeholders.models import AccreditationRequest, Invitation, Organisation


def url(name, accreditation=None):
    args = ["wsis20"] + ([accreditation.pk] if accreditation else [])
    return reverse(f"stakeholders:{name}", args=args)


EXPECTED = {"anonymous": 302, "delegate_a": 403, "focal_a": 403, "delegate_b": 403}


@pytest.mark.parametrize("name", PERSONAS)
def test_only_facilitators_see_the_requests(persona, accreditation, name):
    client = persona(name)
    for page in (url("accreditation_list"), url("accreditation_detail", accreditation)):
        response = client.get(page)
        assert response.status_code == EXPECTED.get(name, 200)
        if name == "anonymous":
            assert response.url.startswith(reverse("login"))
        if name == "facilitator":
            assert "Digital Rights Collective" in response.content.decode()


@pytest.mark.parametrize("name", PERSONAS)
def test_only_facilitators_decide(persona, accreditation, name):
    if name == "facilitator":
        return
    client = persona(name)
    assert client.post(url("accreditation_approve", accreditation)).status_code == EXPECTED[name]
    response = client.post(url("accreditation_decline", accreditation), {"reason": "No"})
    assert response.status_code == EXPECTED[name]
    accreditation.refresh_from_db()
    assert accreditation.is_pending


def test_a_facilitator_of_another_consultation_is_refused(facilitator, accreditation):
    from wsis.drafts.models import Consultation

    other = Consultation.objects.create(slug="other", title="Other")
    assert (
        facilitator.get(reverse("stakeholders:accreditation_list", args=["other"])).status_code
        == 403
    )
    accreditation.consultation = other
    accreditation.save()
    assert facilitator.get(url("accreditation_detail", accreditation)).status_code == 404


def test_it_refuses_get_on_actions(facilitator, accreditation):
    assert facilitator.get(url("accreditation_approve", accreditation)).status_code == 405
    assert facilitator.get(url("accreditation_decline", accreditation)).status_code == 405


def test_approval_registers_and_invites_the_focal_point(
    facilitator, accreditation, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = facilitator.post(url("accreditation_approve", accreditation))
    assert response.status_code == 302
    organisation = Organisation.objects.get(acronym="DRC")
    assert organisation.group.code == "civil_society" and organisation.country == "Kenya"
    accreditation.refresh_from_db()
    assert accreditation.status == "approved" and accreditation.organisation == organisation
    assert accreditation.decided_by == facilitator.user
    invitation = Invitation.objects.get()
    assert invitation.email == "wanjiru@drc.example" and invitation.role == "focal_point"
    assert invitation.organisation == organisation
    (mail,) = mailoutbox
    assert mail.to == ["wanjiru@drc.example"]
    assert "has been approved" in mail.body
    assert links_in(mail)[0].startswith("http://testserver/stakeholders/invitation/")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"accreditation.approved", "invitation.sent"} <= actions


def test_no_mail_leaves_before_the_commit(facilitator, accreditation, mailoutbox):
    # Without the on-commit callbacks run (the test's transaction never commits), nothing is sent.
    facilitator.post(url("accreditation_approve", accreditation))
    assert mailoutbox == []


def test_decline_needs_a_reason(facilitator, accreditation, mailoutbox):
    response = facilitator.post(url("accreditation_decline", accreditation), {"reason": " "})
    assert response.status_code == 400
    assert b"This field is required" in response.content
    accreditation.refresh_from_db()
    assert accreditation.is_pending


def test_decline_tells_the_requester_why(
    facilitator, accreditation, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = facilitator.post(
            url("accreditation_decline", accreditation), {"reason": "Not an ICT organisation."}
        )
    assert response.status_code == 302
    accreditation.refresh_from_db()
    assert accreditation.status == "declined" and accreditation.reason == "Not an ICT organisation."
    (mail,) = mailoutbox
    assert mail.to == ["wanjiru@drc.example"] and "Not an ICT organisation." in mail.body
    assert not Organisation.objects.filter(acronym="DRC").exists()
    assert AuditEvent.objects.filter(action="accreditation.declined").count() == 1


def test_a_decided_request_cannot_be_decided_again(facilitator, accreditation):
    facilitator.post(url("accreditation_decline", accreditation), {"reason": "No."})
    response = facilitator.post(url("accreditation_approve", accreditation), follow=True)
    assert b"already been decided" in response.content
    assert not Organisation.objects.filter(acronym="DRC").exists()


def test_approval_refuses_an_organisation_registered_meanwhile(facilitator, accreditation):
    Organisation.objects.create(name="DRC", acronym="drc", group=group("technical"))
    response = facilitator.post(url("accreditation_approve", accreditation), follow=True)
    assert b"is already registered" in response.content
    accreditation.refresh_from_db()
    assert accreditation.is_pending and not Invitation.objects.exists()


def test_the_list_shows_decided_requests_apart(facilitator, accreditation):
    AccreditationRequest.objects.create(
        consultation=accreditation.consultation, name="Old", acronym="OLD",
        group=group("academic"), country="X", contact_name="Y", contact_email="y@example.org",
        justification="Z", status="declined", decided_by=facilitator.user,
    )  # fmt: skip
    html = facilitator.get(url("accreditation_list")).content.decode()
    assert "1 request waiting" in html and "Decided" in html and "Old (OLD)" in html


def test_approval_answers_normally_while_the_mail_server_is_down(
    facilitator, accreditation, mailoutbox, flaky_mail_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = facilitator.post(url("accreditation_approve", accreditation))
    assert response.status_code == 302
    assert Organisation.objects.filter(acronym="DRC").exists()
    # The mail task retried the refused connections and the link arrived on the third attempt.
    assert flaky_mail_server.attempts == 3
    (mail,) = mailoutbox
    assert mail.to == ["wanjiru@drc.example"]


def test_a_mail_server_that_stays_down_loses_no_approval(
    facilitator, accreditation, mailoutbox, flaky_mail_server, django_capture_on_commit_callbacks
):
    from wsis.mail import send

    flaky_mail_server.FAILURES = 1000
    with django_capture_on_commit_callbacks(execute=True):
        response = facilitator.post(url("accreditation_approve", accreditation))
    assert response.status_code == 302
    accreditation.refresh_from_db()
    assert accreditation.status == "approved"
    assert flaky_mail_server.attempts == send.max_retries + 1
    assert mailoutbox == []


def test_mail_subjects_and_bodies_are_not_html_escaped(
    facilitator, consultation, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.conftest import accreditation_request

    ivory_coast = accreditation_request(
        consultation, name="Côte d'Ivoire <Mission>", acronym="CIV", group=group("member_state")
    )
    with django_capture_on_commit_callbacks(execute=True):
        facilitator.post(url("accreditation_approve", ivory_coast))
    (mail,) = mailoutbox
    assert mail.subject == "Join Côte d'Ivoire <Mission> on the WSIS+20 consultation"
    assert "on behalf of Côte d'Ivoire <Mission> has been approved" in mail.body
