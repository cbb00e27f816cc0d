"""The rolling text as a PDF and a Word document, rendered by the report worker, for the
people who take part in the consultation."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.reports.helpers import asked_job, pdf_text
from tests.reports.word_xml import WordFile
from wsis.comments.models import Entry
from wsis.reports.models import ReportJob

pytestmark = pytest.mark.django_db

URL = reverse("reports:ask_rolling", args=["wsis20", "Zero draft"])


@pytest.fixture
def proposals(version, org_a, org_b, delegate_a):
    def make(organisation, label, proposed, moderation=Entry.Moderation.PUBLISHED):
        return Entry.objects.create(
            version=version,
            paragraph=version.paragraphs.get(label=label),
            organisation=organisation,
            author=delegate_a.user,
            kind=Entry.Kind.AMENDMENT,
            proposed_text=proposed,
            status=Entry.Status.SUBMITTED,
            moderation=moderation,
            submitted_at=timezone.now(),
        )

    text = version.paragraphs.get(label="29").text
    make(org_b, "29", text.replace("costs", "costs for postal users", 1))
    make(org_a, "30", "A pending wording.", moderation=Entry.Moderation.PENDING)


def ask(client, **data) -> ReportJob:
    return asked_job(client, URL, data)


def test_a_delegate_gets_the_pdf_with_published_proposals(rendered_at_once, proposals, delegate_a):
    job = ask(delegate_a, format="pdf")
    assert (job.state, job.kind, job.format) == ("done", "rolling", "pdf")
    text = " ".join(pdf_text(job.path).split())
    assert "Rolling text of Zero draft" in text
    assert "[for postal users – UPU]" in text
    assert "pending wording" not in text
    assert delegate_a.get(reverse("reports:download", args=[job.pk])).status_code == 200


def test_a_facilitator_gets_the_word_document_with_pending_proposals(
    rendered_at_once, proposals, facilitator
):
    job = ask(facilitator, format="docx", with_pending="1")
    assert (job.state, job.format) == ("done", "docx")
    document = WordFile(job.path)
    text = "\n".join(document.paragraphs(accept=True))
    assert "OP 29" in text and "[for postal users – UPU]" in text
    assert "[A pending wording – KEN]" in text
    # The brackets stay as text; the words proposed are tracked changes by their proponents.
    assert "[ – UPU]" in "\n".join(document.paragraphs(accept=False))
    assert ("Universal Postal Union", "for postal users") in document.revisions("ins")
    assert ("Kenya", "A pending wording") in document.revisions("ins")
    assert document.core("dc:title") == "WSIS+20 review · Zero draft · rolling text"
    assert document.field_instructions(document.footer_parts()[0]) == ["PAGE"]


def test_pending_proposals_and_their_files_are_the_facilitators(
    rendered_at_once, proposals, delegate_a, facilitator, anonymous
):
    assert delegate_a.post(URL, {"format": "pdf", "with_pending": "1"}).status_code == 403
    assert anonymous.post(URL, {"format": "pdf"}).status_code == 302
    job = ask(facilitator, format="pdf", with_pending="1")
    assert delegate_a.get(reverse("reports:job", args=[job.pk])).status_code == 403
    assert delegate_a.get(reverse("reports:download", args=[job.pk])).status_code == 403


def test_an_unknown_format_is_refused_and_nothing_asked(proposals, delegate_a):
    response = delegate_a.post(URL, {"format": "csv"}, follow=True)
    assert "Choose PDF or Word." in response.content.decode()
    assert not ReportJob.objects.exists()


def test_the_same_rolling_text_asked_twice_is_rendered_once(
    rendered_at_once, proposals, delegate_a, delegate_b
):
    first = ask(delegate_a, format="pdf")
    assert ask(delegate_b, format="pdf").pk == first.pk
