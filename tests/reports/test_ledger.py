"""An organisation's ledger as a PDF: asked for from the ledger page, rendered by the report
worker, read and downloaded by the people who may read the ledger page.

Rev.1 (tests/drafts/conftest.py) renumbers the zero draft: its OP 26 is Rev.1 OP 24, its OP 7
is deleted.
"""

import pytest
from django.urls import reverse

from tests.drafts import conftest as drafts
from tests.reports.helpers import pdf_text
from wsis.comments.models import Entry
from wsis.reports.models import ReportJob

rev1, published_rev1, zero_entries = drafts.rev1, drafts.published_rev1, drafts.zero_entries

pytestmark = pytest.mark.django_db


def ask_url(acronym="UPU"):
    return reverse("reports:ask_ledger", args=["wsis20", acronym])


def ask(client, acronym="UPU") -> ReportJob:
    response = client.post(ask_url(acronym))
    assert response.status_code == 302, response.status_code
    job = ReportJob.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert response["Location"] == reverse("reports:job", args=[job.pk])
    return job


def text(job) -> str:
    return " ".join(pdf_text(job.path).split())


def row_of(job, entry) -> list[str]:
    """The first two lines of an entry's row, as laid out: its cells side by side."""
    lines = pdf_text(job.path).splitlines()
    at = next(n for n, line in enumerate(lines) if f"#{entry.pk} ·" in line)
    return [" ".join(line.split()) for line in lines[at : at + 2]]


def test_the_ledger_page_offers_the_pdf(delegate_b, zero_entries):
    page = delegate_b.get(reverse("comments:ledger", args=["wsis20", "UPU"])).content.decode()
    assert f'action="{ask_url()}"' in page


def test_the_pdf_lists_each_entry_and_where_it_is_now(
    rendered_at_once, delegate_b, zero_entries, published_rev1
):
    Entry.objects.filter(pk=zero_entries["upu26"].pk).update(
        decision="incorporated", decision_rationale="Taken into Rev.1."
    )
    job = ask(delegate_b)
    job.refresh_from_db()
    assert (job.state, job.kind, job.organisation.acronym) == ("done", "ledger", "UPU")
    assert job.version == published_rev1 and job.pages >= 1
    found = text(job)
    assert "How the input of Universal Postal Union" in found
    assert "3 entries submitted, 3 still in the latest version." in found
    assert f"#{zero_entries['upu26'].pk} · Amendment" in found
    assert "Incorporated" in found and "Taken into Rev.1." in found
    for key in ("upu26", "upu44", "upu76"):
        assert f"#{zero_entries[key].pk} ·" in found
    # Made on Zero draft OP 26, published, incorporated, now in Rev.1 OP 24.
    first, second = row_of(job, zero_entries["upu26"])
    assert first.startswith("OP 26 #") and first.endswith("Published OP 24")
    assert second.startswith("Zero draft ") and second.endswith("Incorporated Rev.1")
    assert "On OP 40" not in found  # Kenya's
    # The download is the file, named after the ledger.
    response = delegate_b.get(reverse("reports:download", args=[job.pk]))
    assert 'filename="wsis20-rev1-ledger-upu.pdf"' in response["Content-Disposition"]


def test_a_paragraph_deleted_on_the_way_leaves_its_entries_not_taken_in(
    rendered_at_once, facilitator, zero_entries, published_rev1
):
    job = ask(facilitator, "KEN")
    job.refresh_from_db()
    found = text(job)
    assert job.state == "done"
    assert "7 entries submitted, 5 still in the latest version." in found
    for key in ("ken7", "ken7_deletion"):
        assert row_of(job, zero_entries[key])[0].endswith("Published not taken in")
    assert row_of(job, zero_entries["ken12"])[0].endswith("Published OP 11")


def test_members_never_read_what_a_facilitator_hid(
    rendered_at_once, delegate_b, facilitator, zero_entries, published_rev1
):
    Entry.objects.filter(pk=zero_entries["upu44"].pk).update(moderation="hidden")
    hidden = f"#{zero_entries['upu44'].pk} ·"
    theirs = ask(delegate_b)
    assert hidden not in text(theirs)
    ours = ask(facilitator)
    assert ours.pk != theirs.pk and hidden in text(ours)
    # The facilitator's file is not the member's to read; the member's is the facilitator's.
    for view in ("reports:job", "reports:download"):
        assert delegate_b.get(reverse(view, args=[ours.pk])).status_code == 403
        assert facilitator.get(reverse(view, args=[theirs.pk])).status_code == 200


def test_an_identical_ledger_is_served_at_once(rendered_at_once, delegate_b, zero_entries):
    first = ask(delegate_b)
    assert ask(delegate_b) == first
    Entry.objects.filter(pk=zero_entries["upu26"].pk).update(decision="incorporated")
    assert ask(delegate_b) != first


@pytest.mark.parametrize(
    "persona, status",
    [
        ("anonymous", 302),
        ("delegate_a", 403),  # Kenya's people: not the UPU's ledger
        ("focal_a", 403),
        ("delegate_b", 302),
        ("facilitator", 302),
    ],
)
def test_who_may_ask(request, zero_entries, persona, status):
    client = request.getfixturevalue(persona)
    response = client.post(ask_url())
    assert response.status_code == status
    asked = ReportJob.objects.filter(kind="ledger").exists()
    assert asked == (persona in ("delegate_b", "facilitator"))
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    assert client.get(ask_url()).status_code == 405


@pytest.mark.parametrize(
    "persona, status",
    [
        ("anonymous", 302),
        ("delegate_a", 403),
        ("focal_a", 403),
        ("delegate_b", 200),
        ("facilitator", 200),
    ],
)
@pytest.mark.parametrize("view", ["reports:job", "reports:download"])
def test_who_may_read_and_download(
    request, rendered_at_once, delegate_b, zero_entries, persona, status, view
):
    job = ask(delegate_b)
    client = request.getfixturevalue(persona)
    assert client.get(reverse(view, args=[job.pk])).status_code == status


def test_the_job_page_leads_back_to_the_ledger(rendered_at_once, delegate_b, zero_entries):
    job = ask(delegate_b)
    page = delegate_b.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert reverse("comments:ledger", args=["wsis20", "UPU"]) in page
    assert reverse("reports:download", args=[job.pk]) in page


def test_only_facilitators_see_ledgers_among_the_reports(
    rendered_at_once, version, delegate_b, focal_a, facilitator, zero_entries
):
    job = ask(delegate_b)
    index = reverse("reports:index", args=["wsis20", version.label])
    assert job in facilitator.get(index).context["jobs"]
    assert job not in focal_a.get(index).context["jobs"]
