"""The version's header block on the first page of its compilation and rolling text PDFs."""

from datetime import date

import docx
import pytest
from django.urls import reverse

from tests.reports.helpers import asked_job, pdf_text
from wsis.reports.models import ReportJob
from wsis.reports.rendering import render

pytestmark = pytest.mark.django_db


@pytest.fixture
def headed(version):
    version.symbol, version.distribution = "A/80/L.41", "limited"
    version.document_date, version.original_language = date(2025, 12, 3), "English"
    version.save()
    return version


def first_page(path):
    return " ".join(pdf_text(path).split("\f")[0].split())


def test_the_compilation_cover_carries_the_header(headed, tmp_path):
    render(tmp_path / "c.pdf", kind="compilation", fmt="pdf", version=headed)
    page = first_page(tmp_path / "c.pdf")
    for words in ("A/80/L.41", "Distribution: Limited", "3 December 2025", "Original: English"):
        assert words in page


def test_the_rolling_text_carries_the_header(rendered_at_once, headed, delegate_a):
    delegate_a.post(
        reverse("reports:ask_rolling", args=["wsis20", "Zero draft"]), {"format": "pdf"}
    )
    job = ReportJob.objects.get()
    assert "A/80/L.41" in first_page(job.path) and "Original: English" in first_page(job.path)


def test_no_header_no_symbol(version, tmp_path):
    render(tmp_path / "c.pdf", kind="compilation", fmt="pdf", version=version)
    assert "Distribution" not in first_page(tmp_path / "c.pdf")


def test_a_new_header_is_a_new_rolling_text(rendered_at_once, headed, delegate_a):
    url = reverse("reports:ask_rolling", args=["wsis20", "Zero draft"])
    first = asked_job(delegate_a, url, {"format": "docx"})
    document = docx.Document(str(first.path))
    assert [p.text for p in document.paragraphs[:4]] == [
        "A/80/L.41", "Distribution: Limited", "3 December 2025", "Original: English",
    ]  # fmt: skip
    assert asked_job(delegate_a, url, {"format": "docx"}).pk == first.pk
    headed.symbol = "A/80/L.41/Rev.1"
    headed.save(update_fields=["symbol"])
    assert asked_job(delegate_a, url, {"format": "docx"}).pk != first.pk


def test_a_new_header_is_a_new_compilation(headed):
    from wsis.reports.compilation import Options, input_hash

    before = input_hash("compilation", "pdf", headed, Options(), None, "en")
    headed.original_language = "French"
    headed.save(update_fields=["original_language"])
    assert input_hash("compilation", "pdf", headed, Options(), None, "en") != before
