"""Word out, Word in (#18): the UPU's submission exported as DOCX with tracked changes and Word
comments, uploaded again as its marked-up copy, yields exactly the UPU's entries."""

import io

from django.utils import timezone

from tests.comments.markup_files import upu_text
from wsis.comments import services
from wsis.comments.markup import read_copy
from wsis.comments.models import Entry
from wsis.reports.compilation import Options, collect
from wsis.reports.word import build


def test_the_upus_submission_as_docx_reads_back_as_exactly_its_entries(version, org_b, delegate_b):
    reading = read_copy(version, "upu.txt", upu_text())
    services.import_markup(
        version, reading.proposals, organisation=org_b, author=delegate_b.user,
        source={"filename": "upu.txt", "sha256": reading.sha256},
    )  # fmt: skip
    # Submitted and published: what a submission document contains.
    Entry.objects.filter(organisation=org_b).update(
        status=Entry.Status.SUBMITTED,
        moderation=Entry.Moderation.PUBLISHED,
        submitted_at=timezone.now(),
    )
    entries = Entry.objects.filter(organisation=org_b)
    exported = io.BytesIO()
    build(collect(version, Options(), organisation=org_b), "submission").save(exported)

    back = read_copy(version, "upu-submission.docx", exported.getvalue())

    amendments = {p.label: p.proposed_text for p in back.proposals if p.kind == "amendment"}
    comments = sorted((p.label, p.text) for p in back.proposals if p.kind == "comment")
    assert amendments == {
        e.paragraph.display_label: e.proposed_text for e in entries.filter(kind="amendment")
    }
    assert comments == sorted(
        (e.paragraph.display_label, e.text) for e in entries.filter(kind="comment")
    )
    assert len(back.proposals) == entries.count() == 5
    # Only the document's own front matter (title, date, legend) matches no paragraph.
    texts = [p.base for p in back.unmatched]
    assert "Published entries only." in texts
    assert not [t for t in texts if any(t in p.text for p in version.paragraphs.all())]
