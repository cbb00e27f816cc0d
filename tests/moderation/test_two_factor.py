import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("moderation:dashboard", args=["wsis20"])
TWO_FACTOR = reverse("moderation:two_factor")


def code(device):
    return f"{totp(device.bin_key):06d}"


def test_it_needs_no_second_factor_when_the_setting_is_off(facilitator, version):
    assert facilitator.get(DASHBOARD).status_code == 200


@override_settings(FACILITATOR_REQUIRE_2FA=True)
def test_it_sends_facilitators_to_set_up_a_second_factor(facilitator, version):
    response = facilitator.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(TWO_FACTOR)
    page = facilitator.get(response["Location"])
    assert page.context["setting_up"]
    device = TOTPDevice.objects.get(user=facilitator.user, confirmed=False)
    assert page.context["secret"] and "otpauth://" in page.context["config_url"]

    wrong = facilitator.post(TWO_FACTOR, {"token": "000000", "next": DASHBOARD})
    assert wrong.status_code == 400
    assert facilitator.get(DASHBOARD).status_code == 302
    # Each wrong code makes the device wait longer before it accepts another try.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttle_reset()

    right = facilitator.post(TWO_FACTOR, {"token": code(device), "next": DASHBOARD})
    assert right["Location"] == DASHBOARD
    device.refresh_from_db()
    assert device.confirmed
    assert facilitator.get(DASHBOARD).status_code == 200


@override_settings(FACILITATOR_REQUIRE_2FA=True)
def test_it_asks_a_known_device_for_a_code_at_each_sign_in(facilitator, version):
    device = TOTPDevice.objects.create(user=facilitator.user, name="phone", confirmed=True)
    page = facilitator.get(TWO_FACTOR)
    assert not page.context["setting_up"]
    assert page.context["secret"] == ""
    facilitator.post(TWO_FACTOR, {"token": code(device)})
    assert facilitator.get(DASHBOARD).status_code == 200


@override_settings(FACILITATOR_REQUIRE_2FA=True)
def test_it_refuses_participants_before_asking_for_a_code(delegate_a, version):
    assert delegate_a.get(DASHBOARD).status_code == 403


@override_settings(FACILITATOR_REQUIRE_2FA=True)
def test_it_ignores_an_offsite_next(facilitator, version):
    device = TOTPDevice.objects.create(user=facilitator.user, name="phone", confirmed=True)
    response = facilitator.post(
        TWO_FACTOR, {"token": code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("moderation:home")
