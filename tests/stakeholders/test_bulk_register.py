import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.stakeholders.conftest import PERSONAS
from wsis.audit.models import AuditEvent
from wsis.stakeholders.models import Invitation, Organisation

URL = reverse("stakeholders:bulk_register", args=["wsis20"])
EXPECTED = {"anonymous": 302, "delegate_a": 403, "focal_a": 403, "delegate_b": 403}

CSV = """name,acronym,group,focal_point_email
Ghana,GHA,member_state,focal@ghana.example
Kenya,KEN2,member_state,focal@kenya.example
World Health Organization,WHO,UN system and intergovernmental organisation,focal@who.example
Acme,ACME,private_sector,focal@acme.example
Chile,CHL,member_state,not-an-address
,,member_state,x@example.org
Ghana,GHA,member_state,again@ghana.example
"""


def upload(client, text, name="orgs.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


@pytest.mark.parametrize("name", PERSONAS)
def test_only_facilitators_register(persona, consultation, name):
    client = persona(name)
    assert client.get(URL).status_code == EXPECTED.get(name, 200)
    response = upload(
        client, "name,acronym,group,focal_point_email\nGhana,GHA,member_state,a@gh.example\n"
    )
    assert response.status_code == EXPECTED.get(name, 200)
    assert Organisation.objects.filter(acronym="GHA").exists() == (name == "facilitator")


def test_it_reports_created_existing_and_refused_rows(
    facilitator, org_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(facilitator, CSV)
    assert response.status_code == 200
    report = response.context["report"]
    assert [r.acronym for r in report.by_outcome["created"]] == ["GHA", "WHO"]
    assert [r.acronym for r in report.by_outcome["existing"]] == ["KEN2"]
    assert "Already registered as Kenya (KEN)" in report.by_outcome["existing"][0].reason
    refused = {r.line: r.reason for r in report.by_outcome["refused"]}
    assert set(refused) == {5, 6, 7, 8}
    assert "request accreditation" in refused[5]
    assert "not an email address" in refused[6]
    assert "required" in refused[7]
    assert "earlier in this file" in refused[8]
    html = response.content.decode()
    assert "2 created, 1 already registered, 4 refused, 0 failed" in html
    assert Organisation.objects.get(acronym="WHO").group.code == "un_system"
    assert sorted(m.to[0] for m in mailoutbox) == ["focal@ghana.example", "focal@who.example"]
    assert Invitation.objects.filter(role="focal_point").count() == 2
    assert AuditEvent.objects.filter(action="organisation.registered").count() == 2


def test_a_row_with_a_control_character_is_refused_and_the_others_go_on(facilitator, consultation):
    response = upload(
        facilitator,
        "name,acronym,group,focal_point_email\n"
        "Gha\x01na,GHA,member_state,a@gh.example\n"
        "Chile,CHL\x7f,member_state,a@cl.example\n"
        "Peru,PER,member_state,a@pe.example\n",
    )
    report = response.context["report"]
    assert [r.acronym for r in report.by_outcome["created"]] == ["PER"]
    assert all("control characters" in r.reason for r in report.by_outcome["refused"])
    assert list(Organisation.objects.values_list("acronym", flat=True)) == ["PER"]


def test_it_reads_semicolons_and_a_byte_order_mark(facilitator, consultation):
    text = "\ufeffName;Acronym;Group;Focal_point_email\nGhana;GHA;member_state;f@gh.example\n"
    response = upload(facilitator, text)
    assert [r.acronym for r in response.context["report"].by_outcome["created"]] == ["GHA"]


def test_it_refuses_a_file_without_the_columns(facilitator, consultation):
    response = upload(facilitator, "country,email\nGhana,x@example.org\n")
    assert response.status_code == 400
    assert b"missing: name, acronym, group, focal_point_email" in response.content
    assert not Organisation.objects.filter(name="Ghana").exists()


def test_it_refuses_a_file_that_is_not_utf8(facilitator, consultation):
    data = "name,acronym,group,focal_point_email\nCôte d'Ivoire,CIV,member_state,a@civ.example\n"
    response = facilitator.post(
        URL, {"file": SimpleUploadedFile("o.csv", data.encode("latin-1"), "text/csv")}
    )
    assert response.status_code == 400 and b"CSV UTF-8" in response.content


def test_it_asks_for_a_file(facilitator, consultation):
    assert facilitator.post(URL, {}).status_code == 400


@pytest.mark.parametrize(
    "data",
    [
        b"\r\x00",  # found by tests/test_property_forms.py: a server error
        b'name,acronym,group,focal_point_email\r"Ghana\rGHA,member_state,a@gh.example\n',
        b"name,acronym,group,focal_point_email\nGh\x00ana,GHA,member_state,a@gh.example\n",
        "name,acronym,group,focal_point_email\nGhana,GHA,member_state,a@gh.example\n".encode(
            "utf-16-le"
        ),
    ],
    ids=["cr-and-nul", "cr-in-a-line", "nul-in-a-name", "utf-16"],
)
def test_it_refuses_a_file_it_cannot_read_as_csv(facilitator, consultation, data):
    response = facilitator.post(URL, {"file": SimpleUploadedFile("o.csv", data, "text/csv")})
    assert response.status_code == 400
    assert b'class="errorlist' in response.content
    assert not Organisation.objects.filter(acronym="GHA").exists()


def test_a_row_the_database_refuses_fails_alone(
    facilitator, org_a, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    from wsis.stakeholders import services

    # Kenya registered by someone else between this row's duplicate check and its insert.
    monkeypatch.setattr(services, "duplicate_of", lambda name, acronym, group: None)
    text = (
        "name,acronym,group,focal_point_email\n"
        "Ghana,GHA,member_state,focal@ghana.example\n"
        "Kenya,KEN,member_state,focal@kenya.example\n"
        "Chile,CHL,member_state,focal@chile.example\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(facilitator, text)
    assert response.status_code == 200
    report = response.context["report"]
    assert [r.acronym for r in report.by_outcome["created"]] == ["GHA", "CHL"]
    (failed,) = report.by_outcome["failed"]
    assert failed.line == 3 and "nothing of it was kept" in failed.reason
    assert "2 created, 0 already registered, 0 refused, 1 failed" in response.content.decode()
    assert Organisation.objects.get(acronym="KEN") == org_a
    assert not Invitation.objects.filter(email="focal@kenya.example").exists()
    assert sorted(m.to[0] for m in mailoutbox) == ["focal@chile.example", "focal@ghana.example"]


def test_an_address_too_long_to_store_is_refused_with_its_reason(facilitator, consultation):
    long_address = "a" * 250 + "@example.org"
    text = f"name,acronym,group,focal_point_email\nGhana,GHA,member_state,{long_address}\n"
    response = upload(facilitator, text)
    assert response.status_code == 200
    (refused,) = response.context["report"].by_outcome["refused"]
    assert "longer than 254 characters" in refused.reason
    assert not Organisation.objects.filter(acronym="GHA").exists()


def test_registration_goes_on_while_the_mail_server_is_down(
    facilitator, consultation, mailoutbox, flaky_mail_server, django_capture_on_commit_callbacks
):
    flaky_mail_server.FAILURES = 1000
    text = (
        "name,acronym,group,focal_point_email\n"
        "Ghana,GHA,member_state,focal@ghana.example\n"
        "Chile,CHL,member_state,focal@chile.example\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(facilitator, text)
    assert response.status_code == 200
    assert [r.acronym for r in response.context["report"].by_outcome["created"]] == ["GHA", "CHL"]
    assert Invitation.objects.count() == 2 and mailoutbox == []
