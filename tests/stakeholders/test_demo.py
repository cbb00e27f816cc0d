from io import StringIO

from django.core.management import call_command

from wsis.stakeholders.models import AccreditationRequest, Invitation


def test_load_demo_adds_a_request_and_an_open_invitation(db, client, settings):
    settings.DEBUG = True  # load_demo refuses to run with DEBUG off (tests/drafts/test_demo.py)
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)
    assert AccreditationRequest.objects.filter(status="pending").count() == 1
    assert Invitation.objects.open().count() == 1
    link = next(line.strip() for line in out.getvalue().splitlines() if "/invitation/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200 and b"Join Kenya" in response.content
