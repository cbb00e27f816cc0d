import pytest
from django.urls import reverse


def test_it_lists_consultations(anonymous, version):
    data = anonymous.get(reverse("api:consultations")).json()
    assert [c["slug"] for c in data["consultations"]] == ["wsis20"]
    assert data["consultations"][0]["url"].endswith("/api/v1/consultations/wsis20/")


def test_a_consultation_lists_its_versions(anonymous, version):
    data = anonymous.get(reverse("api:consultation", args=["wsis20"])).json()
    assert data["time_zone"] == "America/New_York"
    assert [(v["label"], v["status"]) for v in data["versions"]] == [("Zero draft", "open")]


def test_a_version_has_its_sections_and_paragraphs(anonymous, version):
    data = anonymous.get(reverse("api:version", args=["wsis20", "Zero draft"])).json()
    assert data["label"] == "Zero draft" and len(data["sections"]) == 18
    paragraphs = [p for s in data["sections"] for p in s["paragraphs"]]
    assert len(paragraphs) == 155
    # No entries in the public API; the status the facilitators set (#17).
    assert set(paragraphs[0]) == {"label", "kind", "text", "status"}


@pytest.mark.parametrize("spelling", ["26", "OP26", "op26"])
def test_a_paragraph_by_its_label(anonymous, version, spelling):
    url = reverse("api:paragraph", args=["wsis20", "Zero draft", spelling])
    data = anonymous.get(url).json()
    assert data["label"] == "26" and data["display_label"] == "OP 26"
    assert data["section"] == "Bridging digital divides"
    assert data["text"].startswith("We are further concerned")


def test_unknown_objects_are_404(anonymous, version):
    assert anonymous.get(reverse("api:consultation", args=["nope"])).status_code == 404
    assert anonymous.get(reverse("api:version", args=["wsis20", "Rev.3"])).status_code == 404
    url = reverse("api:paragraph", args=["wsis20", "Zero draft", "OP999"])
    assert anonymous.get(url).status_code == 404


def test_it_is_read_only(anonymous, version):
    assert anonymous.post(reverse("api:consultations")).status_code == 405
