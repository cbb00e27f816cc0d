"""The version's header block: edited by facilitators, shown on the reader, exported."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from wsis.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("silence:front_page", args=["wsis20", "Zero draft"])
READER = reverse("drafts:version", args=["wsis20", "Zero draft"])
HEADER = {
    "symbol": " A/80/L.41 ",
    "distribution": "limited",
    "document_date": "2025-12-03",
    "original_language": "English",
}


def text(response):
    return " ".join(response.content.decode().split())


def words(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_a_facilitator_sets_the_header_and_the_reader_shows_it(version, facilitator, anonymous):
    assert facilitator.get(URL).status_code == 200
    response = facilitator.post(URL, HEADER)
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.symbol == "A/80/L.41"
    page = words(anonymous.get(READER))
    assert "A/80/L.41" in page
    assert "Distribution: Limited" in page
    assert "3 December 2025" in page
    assert "Original: English" in page
    assert AuditEvent.objects.filter(action="version.front_page_set").count() == 1


def test_no_header_no_block(version, anonymous):
    assert "un-header" not in text(anonymous.get(READER))


def test_a_bad_distribution_is_refused_and_what_was_typed_kept(version, facilitator):
    response = facilitator.post(URL, HEADER | {"distribution": "secret"})
    assert response.status_code == 400
    assert "A/80/L.41" in text(response)
    version.refresh_from_db()
    assert version.symbol == ""


@pytest.mark.parametrize("persona", ["anonymous", "delegate_a", "focal_a", "delegate_b"])
def test_only_facilitators_edit_the_front_page(request, version, persona):
    client = request.getfixturevalue(persona)
    assert client.post(URL, HEADER).status_code in (302, 403)
    assert client.get(URL).status_code in (302, 403)
    version.refresh_from_db()
    assert version.symbol == ""


def test_export_version_carries_the_header(version, facilitator):
    facilitator.post(URL, HEADER)
    out = StringIO()
    call_command(
        "export_version", "--consultation", "wsis20", "--label", "Zero draft", "--format", "json",
        stdout=out,
    )  # fmt: skip
    assert json.loads(out.getvalue())["header"] == {
        "symbol": "A/80/L.41",
        "distribution": "limited",
        "date": "2025-12-03",
        "original_language": "English",
    }
