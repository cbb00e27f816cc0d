"""The draft letter on a silence procedure, as a PDF and a Word document, rendered by the report
worker for the facilitators once the deadline has passed."""

from datetime import date, timedelta

import docx
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.reports.helpers import asked_job, pdf_text
from tests.silence.conftest import broken_by, end_now
from wsis.reports.models import ReportJob
from wsis.silence import services

pytestmark = pytest.mark.django_db

URL = reverse("reports:ask_silence_letter", args=["wsis20", "Zero draft"])


@pytest.fixture
def broken(version, facilitator, focal_a, org_a, org_b, delegate_b):
    version.symbol, version.distribution, version.original_language = (
        "A/80/L.41",
        "limited",
        "English",
    )
    version.document_date = date(2025, 12, 3)
    version.save()
    silence = services.start(
        version, deadline=timezone.now() + timedelta(hours=72), user=facilitator.user
    )
    broken_by(silence, focal_a.user, org_a, "44", reason="Our capital objects.")
    broken_by(silence, delegate_b.user, org_b, "44", reason="Postal.", proposal="Postal words.")
    broken_by(silence, delegate_b.user, org_b, "26", reason="Postal too.")
    return end_now(silence)


def ask(client, **data) -> ReportJob:
    return asked_job(client, URL, data)


def test_the_letter_as_a_pdf_lists_who_broke_silence_where(rendered_at_once, broken, facilitator):
    job = ask(facilitator, format="pdf")
    assert (job.state, job.kind, job.format) == ("done", "silence", "pdf"), job.error
    pages = pdf_text(job.path).split("\f")
    first = " ".join(pages[0].split())
    assert (
        "A/80/L.41" in first and "Distribution: Limited" in first and "Original: English" in first
    )
    assert "The President of the General Assembly" in first
    assert "under a silence procedure until" in first and "New York" in first
    assert "silence has been broken by the following delegations" in first
    assert "Kenya: OP 44" in first and "Universal Postal Union: OP 26, OP 44" in first
    annex = " ".join(" ".join(pages[1:]).split())
    assert "Annex: communications received" in annex
    assert "Our capital objects." in annex and "Postal words." in annex
    assert facilitator.get(reverse("reports:download", args=[job.pk])).status_code == 200


def test_the_letter_as_a_word_document(rendered_at_once, broken, facilitator):
    job = ask(facilitator, format="docx")
    assert (job.state, job.format) == ("done", "docx"), job.error
    document = docx.Document(str(job.path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.startswith("A/80/L.41\nDistribution: Limited\n3 December 2025\nOriginal: English")
    assert "DRAFT\nThe President of the General Assembly" in text
    assert "Universal Postal Union: OP 26, OP 44" in text
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["Kenya: OP 44", "Universal Postal Union: OP 26, OP 44"]
    proposed = [
        run.text
        for p in document.paragraphs
        for run in p.runs
        if run.style is not None and run.style.name == "Insertion"
    ]
    assert proposed == ["Postal words."]


def test_a_silence_that_held_says_so(rendered_at_once, version, facilitator):
    silence = services.start(
        version, deadline=timezone.now() + timedelta(hours=1), user=facilitator.user
    )
    end_now(silence)
    job = ask(facilitator, format="pdf")
    text = " ".join(pdf_text(job.path).split())
    assert "the silence procedure was not broken" in text
    assert "Annex" not in text


def test_no_letter_while_silence_runs(broken, facilitator):
    type(broken).objects.filter(pk=broken.pk).update(deadline=timezone.now() + timedelta(hours=1))
    response = facilitator.post(URL, {"format": "pdf"}, follow=True)
    assert "Silence has not ended yet" in response.content.decode()
    assert not ReportJob.objects.exists()


def test_an_unknown_format_is_refused(broken, facilitator):
    response = facilitator.post(URL, {"format": "csv"}, follow=True)
    assert "Choose PDF or Word." in response.content.decode()
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize("persona", ["delegate_a", "focal_a", "delegate_b"])
def test_the_letter_is_the_facilitators(rendered_at_once, request, broken, facilitator, persona):
    job = ask(facilitator, format="pdf")
    client = request.getfixturevalue(persona)
    assert client.post(URL, {"format": "pdf"}).status_code == 403
    assert client.get(reverse("reports:job", args=[job.pk])).status_code == 403
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 403


def test_the_same_letter_asked_twice_is_rendered_once(rendered_at_once, broken, facilitator):
    first = ask(facilitator, format="pdf")
    assert ask(facilitator, format="pdf").pk == first.pk
    assert ask(facilitator, format="docx").pk != first.pk
