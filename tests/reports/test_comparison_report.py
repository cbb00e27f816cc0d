"""The comparison of two versions, rendered as a PDF by the same job flow as compilations."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.conftest import parsed
from tests.drafts.conftest import REV1
from tests.reports.helpers import pdf_text
from tests.reports.word_xml import WordFile
from wsis.drafts.services import import_revision, publish_version
from wsis.reports.models import ReportJob
from wsis.reports.tasks import run_job


def publish_rev1(version):
    rev1 = import_revision(version.consultation, "Rev.1", parsed(REV1))
    rev1.links.update(confirmed=True)
    publish_version(rev1, closes_at=timezone.now() + timedelta(days=14))
    return rev1


def ask(client, version, **data):
    url = reverse("reports:ask", args=["wsis20", version.label])
    return client.post(url, {"kind": "comparison", "format": "pdf"} | data)


def test_a_facilitator_compiles_a_comparison_as_pdf(facilitator, version, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    rev1 = publish_rev1(version)
    response = ask(facilitator, rev1, compare_with="Zero draft")
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.kind == "comparison" and job.options["old"] == "Zero draft"
    assert run_job(job.pk) != "failed"
    job.refresh_from_db()
    assert job.state == "done", job.error
    text = " ".join(pdf_text(job.path).split())
    assert "Zero draft and Rev.1 compared" in text
    assert "post offices" in text  # the UPU's OP 26 wording taken into Rev.1


def test_a_facilitator_compiles_a_comparison_as_word_with_tracked_changes(
    facilitator, version, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    rev1 = publish_rev1(version)
    assert ask(facilitator, rev1, format="docx").status_code == 302
    job = ReportJob.objects.get()
    assert job.format == "docx" and run_job(job.pk) == "done"
    job.refresh_from_db()
    document = WordFile(job.path)
    changes = document.revisions("ins") + document.revisions("del")
    assert changes and {author for author, _text in changes} == {"Rev.1"}
    assert any("post offices" in text for _author, text in document.revisions("ins"))
    # Accepting every change gives Rev.1; rejecting every change gives the zero draft.
    accepted, rejected = document.paragraphs(accept=True), document.paragraphs(accept=False)
    for paragraph in rev1.paragraphs.all():
        assert paragraph.text in accepted
    # A paragraph split in two shows each part under its own new paragraph.
    split = set(rev1.links.filter(kind="split").values_list("source", flat=True))
    for paragraph in version.paragraphs.exclude(pk__in=split):
        assert paragraph.text in " ".join(rejected)
    assert document.core("dc:title") == "WSIS+20 review · Zero draft and Rev.1 compared"


def test_the_earlier_version_defaults_to_the_one_it_follows(
    facilitator, version, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    rev1 = publish_rev1(version)
    assert ask(facilitator, rev1).status_code == 302
    assert ReportJob.objects.get().options["old"] == "Zero draft"


def test_the_first_version_has_nothing_to_compare(facilitator, version):
    response = ask(facilitator, version)
    assert response.status_code == 400
    assert "follows no other" in response.content.decode()
    assert not ReportJob.objects.exists()


def test_a_focal_point_cannot_ask_for_a_comparison(focal_a, version):
    rev1 = publish_rev1(version)
    assert ask(focal_a, rev1, compare_with="Zero draft").status_code == 400
    assert not ReportJob.objects.exists()


def test_the_comparison_page_offers_the_pdf_to_facilitators_only(facilitator, delegate_a, version):
    publish_rev1(version)
    url = reverse("drafts:compare", args=["wsis20"])
    page = facilitator.get(url).content.decode()
    assert "Compile this comparison as PDF" in page
    assert 'name="format" value="docx">As Word, with tracked changes' in page
    page = delegate_a.get(url).content.decode()
    assert "Compile this comparison as PDF" not in page and "As Word" not in page
