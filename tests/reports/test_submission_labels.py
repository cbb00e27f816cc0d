"""An organisation's submission with several entries on one paragraph (#19): each proposal
labelled with its kind, author and date, and footnote calls kept apart."""

import re

from tests.reports.conftest import add_entry
from tests.reports.helpers import pdf_text
from wsis.comments.models import Entry
from wsis.reports.rendering import render


def kenyas_three(version, org_a, delegate_a):
    op26 = version.paragraphs.get(label="26").text
    delegate_a.user.first_name, delegate_a.user.last_name = "Alice", "Wanjiku"
    delegate_a.user.save()
    first = add_entry(
        version, "26", org_a, Entry.Kind.AMENDMENT, op26 + " Kenya addition.", "Kenya's reason."
    )
    second = add_entry(version, "26", org_a, Entry.Kind.DELETION, text="Or drop it.")
    notes = [
        add_entry(version, "26", org_a, Entry.Kind.COMMENT, text=text)
        for text in ("First note.", "Second note.")
    ]
    return first, second, notes


def test_its_pdf_labels_each_proposal_and_keeps_footnote_calls_apart(
    version, org_a, delegate_a, tmp_path
):
    kenyas_three(version, org_a, delegate_a)
    out = tmp_path / "submission.pdf"
    render(out, kind="submission", fmt="pdf", version=version, organisation=org_a)
    text = pdf_text(out)
    flat = " ".join(text.split())
    assert re.search(r"Amendment 1 of 2 — by Alice Wanjiku, \d+ \w+ \d{4}", flat)
    assert "Deletion 2 of 2 — by Alice Wanjiku" in flat
    # The amendment's justification is note 1; the deletion's and the two comments follow it.
    assert "Kenya addition.1\n" in text
    assert "digital connectivity.2 3 4\n" in text
