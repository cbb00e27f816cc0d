"""The facilitator gate and the second factor: one-time codes, and enrolment by link only."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import make_user, signed_in
from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry
from wsis.moderation.models import EnrolmentLink
from wsis.moderation.second_factor import issue_link

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("moderation:dashboard", args=["wsis20"])
TWO_FACTOR = reverse("moderation:two_factor")


def code(device):
    return f"{totp(device.bin_key):06d}"


def enrol_url(token):
    return reverse("moderation:enrol", args=[token])


def test_it_needs_no_second_factor_when_the_setting_is_off(consultation, version):
    user = make_user("otto")
    consultation.facilitators.add(user)
    assert signed_in(user).get(DASHBOARD).status_code == 200


def test_a_facilitator_without_a_device_cannot_enrol_one_with_a_password_alone(
    unverified_facilitator, version
):
    response = unverified_facilitator.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(TWO_FACTOR)
    page = unverified_facilitator.get(response["Location"])
    assert page.status_code == 200
    assert not page.context["enrolled"]
    assert b"otpauth://" not in page.content
    assert unverified_facilitator.post(TWO_FACTOR, {"token": "123456"}).status_code == 400
    assert not TOTPDevice.objects.filter(user=unverified_facilitator.user).exists()
    assert unverified_facilitator.get(DASHBOARD).status_code == 302


def test_an_enrolment_link_sets_up_the_app_once(unverified_facilitator, version):
    token = issue_link(unverified_facilitator.user)
    page = unverified_facilitator.get(enrol_url(token))
    assert page.status_code == 200 and "otpauth://" in page.context["config_url"]
    device = TOTPDevice.objects.get(user=unverified_facilitator.user, confirmed=False)
    # Opened again, the link shows the same key.
    assert unverified_facilitator.get(enrol_url(token)).context["secret"] == page.context["secret"]

    wrong = unverified_facilitator.post(enrol_url(token), {"token": "000000"})
    assert wrong.status_code == 400
    device.refresh_from_db()
    assert not device.confirmed and device.throttling_failure_count == 1
    device.throttle_reset()

    right = unverified_facilitator.post(enrol_url(token), {"token": code(device)})
    assert right["Location"] == reverse("moderation:home")
    device.refresh_from_db()
    assert device.confirmed
    assert unverified_facilitator.get(DASHBOARD).status_code == 200
    assert unverified_facilitator.get(enrol_url(token)).status_code == 410
    assert AuditEvent.objects.filter(action="user.second_factor_enrolled").count() == 1


def test_an_enrolment_link_replaces_a_lost_device(unverified_facilitator, version):
    lost = TOTPDevice.objects.create(user=unverified_facilitator.user, name="lost", confirmed=True)
    token = issue_link(unverified_facilitator.user)
    unverified_facilitator.get(enrol_url(token))
    device = TOTPDevice.objects.get(user=unverified_facilitator.user, confirmed=False)
    unverified_facilitator.post(enrol_url(token), {"token": code(device)})
    assert list(TOTPDevice.objects.filter(user=unverified_facilitator.user)) == [device]
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()


def test_a_device_made_before_the_link_is_never_the_one_enrolled(unverified_facilitator, version):
    # Its key may have been shown to someone else (the page once made devices for anyone).
    seen = TOTPDevice.objects.create(user=unverified_facilitator.user, name="x", confirmed=False)
    token = issue_link(unverified_facilitator.user)
    assert unverified_facilitator.post(enrol_url(token), {"token": code(seen)}).status_code == 400
    seen.refresh_from_db()
    assert not seen.confirmed


def test_an_enrolment_link_works_only_for_its_account(unverified_facilitator, facilitator):
    token = issue_link(unverified_facilitator.user)
    assert facilitator.get(enrol_url(token)).status_code == 404
    assert unverified_facilitator.get(enrol_url("not-a-token")).status_code == 404


def test_an_expired_or_replaced_link_is_refused(unverified_facilitator):
    first = issue_link(unverified_facilitator.user)
    second = issue_link(unverified_facilitator.user)
    assert unverified_facilitator.get(enrol_url(first)).status_code == 410
    EnrolmentLink.objects.filter(token_hash=EnrolmentLink.hash(second)).update(
        expires_at=EnrolmentLink.objects.get(token_hash=EnrolmentLink.hash(second)).created
        - timedelta(seconds=1)
    )
    assert unverified_facilitator.get(enrol_url(second)).status_code == 410
    assert not TOTPDevice.objects.filter(user=unverified_facilitator.user).exists()


def test_a_verified_facilitator_issues_a_co_facilitator_a_link(
    facilitator, unverified_facilitator, consultation
):
    url = reverse("moderation:enrolment_link", args=["wsis20", unverified_facilitator.user.pk])
    response = facilitator.post(url)
    assert response.status_code == 200
    token = response.context["url"].rsplit("/", 2)[-2]
    assert unverified_facilitator.get(enrol_url(token)).status_code == 200
    event = AuditEvent.objects.get(action="user.enrolment_link_issued")
    assert event.actor == facilitator.user
    # Only for facilitators of the consultation, and not by one without the second factor.
    outsider = make_user("zed")
    other = reverse("moderation:enrolment_link", args=["wsis20", outsider.pk])
    assert facilitator.post(other).status_code == 404
    assert unverified_facilitator.post(url)["Location"].startswith(TWO_FACTOR)


def test_the_operator_prints_a_link(db, unverified_facilitator):
    out = StringIO()
    call_command("enrolment_link", "uma", "--base-url", "https://comments.example.org/", stdout=out)
    url = out.getvalue().strip()
    assert url.startswith("https://comments.example.org/moderation/second-factor/enrol/")
    token = url.rsplit("/", 2)[-2]
    assert unverified_facilitator.get(enrol_url(token)).status_code == 200


@override_settings(FACILITATOR_REQUIRE_2FA=True)
def test_it_asks_a_known_device_for_a_code_at_each_sign_in(consultation, version):
    user = make_user("otto")
    consultation.facilitators.add(user)
    client = signed_in(user)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    assert client.get(TWO_FACTOR).context["enrolled"]
    assert client.post(TWO_FACTOR, {"token": code(device), "next": DASHBOARD})["Location"] == (
        DASHBOARD
    )
    assert client.get(DASHBOARD).status_code == 200


def test_a_confirmed_code_is_recorded(consultation, version):
    user = make_user("otto")
    consultation.facilitators.add(user)
    client = signed_in(user)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.post(TWO_FACTOR, {"token": code(device)})
    event = AuditEvent.objects.get(action="user.second_factor_verified")
    assert event.actor == user


@override_settings(FACILITATOR_REQUIRE_2FA=True)
def test_it_refuses_participants_before_asking_for_a_code(delegate_a, version):
    assert delegate_a.get(DASHBOARD).status_code == 403


def test_it_ignores_an_offsite_next(unverified_facilitator, version):
    device = TOTPDevice.objects.create(
        user=unverified_facilitator.user, name="phone", confirmed=True
    )
    response = unverified_facilitator.post(
        TWO_FACTOR, {"token": code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("moderation:home")


def test_a_form_sent_without_the_second_factor_comes_back_to_its_page(
    unverified_facilitator, version
):
    url = reverse("moderation:settings", args=["wsis20"])
    page = "http://testserver" + reverse("moderation:round", args=["wsis20"])
    response = unverified_facilitator.post(url, {"publish_immediately": "on"}, HTTP_REFERER=page)
    assert response["Location"].startswith(TWO_FACTOR)
    assert "next=http%3A%2F%2Ftestserver%2Fmoderation%2Fwsis20%2Fround%2F" in response["Location"]
    version.consultation.refresh_from_db()
    assert not version.consultation.publish_immediately


def test_htmx_requests_are_sent_to_the_second_factor_page_whole(unverified_facilitator, version):
    response = unverified_facilitator.get(DASHBOARD, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(TWO_FACTOR)


def test_without_the_second_factor_a_facilitator_sees_what_a_participant_sees(
    unverified_facilitator, facilitator, version, org_b, delegate_b
):
    paragraph = version.paragraphs.get(label="26")
    submitted = Entry.objects.create(
        version=version, paragraph=paragraph, organisation=org_b, author=delegate_b.user,
        kind=Entry.Kind.COMMENT, text="Awaiting moderation.", status=Entry.Status.SUBMITTED,
    )  # fmt: skip
    # What OTPMiddleware tells of each session.
    facilitator.user.is_verified = lambda: True
    unverified_facilitator.user.is_verified = lambda: False
    assert list(Entry.objects.visible_to(facilitator.user)) == [submitted]
    assert not Entry.objects.visible_to(unverified_facilitator.user).exists()
    entry = reverse("comments:entry", args=[submitted.pk])
    assert unverified_facilitator.get(entry).status_code == 404
    assert facilitator.get(entry).status_code == 200
