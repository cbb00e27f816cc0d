import pytest
from django.test import override_settings
from django.urls import reverse

from tests.conftest import group
from tests.stakeholders.conftest import PERSONAS
from wsis.audit.models import AuditEvent
from wsis.stakeholders.models import AccreditationRequest

URL = reverse("stakeholders:accreditation_request", args=["wsis20"])


def form_data(**overrides):
    data = {
        "name": "Open Networks Alliance",
        "acronym": "ONA",
        "group": group("civil_society").pk,
        "country": "Ghana",
        "website": "https://ona.example",
        "contact_name": "Kofi Mensah",
        "contact_email": "kofi@ona.example",
        "justification": "We advocate for affordable access.",
        "fax": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("name", PERSONAS)
def test_everyone_sees_the_form(persona, consultation, name):
    response = persona(name).get(URL)
    assert response.status_code == 200
    assert b'name="justification"' in response.content


def test_it_offers_only_the_stakeholder_groups(anonymous, consultation):
    html = anonymous.get(URL).content.decode()
    assert "Civil society" in html and "Academic community" in html
    assert "Member State" not in html.split('name="group"')[1].split("</select>")[0]


def test_it_answers_404_for_an_unknown_consultation(anonymous, consultation):
    url = reverse("stakeholders:accreditation_request", args=["nope"])
    assert anonymous.get(url).status_code == 404


def test_it_records_the_request(anonymous, consultation):
    response = anonymous.post(URL, form_data())
    assert response.status_code == 302
    assert response.url == reverse("stakeholders:accreditation_sent", args=["wsis20"])
    request = AccreditationRequest.objects.get()
    assert request.status == "pending" and request.acronym == "ONA"
    assert request.consultation == consultation and request.ip_address == "127.0.0.1"
    assert AuditEvent.objects.filter(action="accreditation.requested").count() == 1
    assert anonymous.get(response.url).status_code == 200


def test_the_honeypot_answers_as_if_it_worked_but_keeps_nothing(anonymous, consultation):
    response = anonymous.post(URL, form_data(fax="http://spam.example"))
    assert response.status_code == 302
    assert not AccreditationRequest.objects.exists()


def test_it_keeps_what_was_typed_when_something_is_missing(anonymous, consultation):
    response = anonymous.post(URL, form_data(contact_email="not-an-address"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Open Networks Alliance" in html and "We advocate for affordable access." in html
    assert "valid email" in html
    assert not AccreditationRequest.objects.exists()


def test_it_refuses_a_registered_organisation_with_a_pointer(anonymous, consultation, org_b):
    response = anonymous.post(URL, form_data(name="Other name", acronym="upu"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Universal Postal Union (UPU) is already registered" in html
    assert "focal point can invite you" in html
    assert not AccreditationRequest.objects.exists()


def test_it_refuses_the_same_name_in_the_group(anonymous, consultation):
    anonymous.post(URL, form_data())
    response = anonymous.post(URL, form_data(acronym="ONA2", name="open networks alliance"))
    assert response.status_code == 400
    assert b"already waiting for the facilitators" in response.content
    assert AccreditationRequest.objects.count() == 1


@override_settings(ACCREDITATION_REQUESTS_PER_HOUR=2)
def test_it_limits_requests_per_address(anonymous, consultation):
    assert anonymous.post(URL, form_data()).status_code == 302
    assert anonymous.post(URL, form_data(name="B", acronym="B")).status_code == 302
    response = anonymous.post(URL, form_data(name="C", acronym="C"))
    assert response.status_code == 429
    assert b"Too many requests" in response.content
    assert b'value="C"' in response.content  # what was typed is still there
    assert AccreditationRequest.objects.count() == 2
    # Another address is not affected.
    other = anonymous.post(URL, form_data(name="D", acronym="D"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_it_refuses_other_methods(anonymous, consultation):
    assert anonymous.put(URL).status_code == 405


@pytest.mark.parametrize("name", PERSONAS)
def test_everyone_sees_the_confirmation(persona, consultation, name):
    response = persona(name).get(reverse("stakeholders:accreditation_sent", args=["wsis20"]))
    assert response.status_code == 200


def test_the_sign_in_page_points_to_the_form(anonymous, consultation):
    assert URL in anonymous.get(reverse("login")).content.decode()
