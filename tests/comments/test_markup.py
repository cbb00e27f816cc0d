"""Reading a delegation's marked-up copy into proposals, and saving the chosen ones."""

import zipfile
from datetime import timedelta

import pytest
from docx import Document

from tests.comments.markup_files import UPU, marked, save, tracked, upu_docx, upu_text, zipped
from tests.conftest import make_user
from wsis.audit.models import AuditEvent
from wsis.comments import services
from wsis.comments.markup import (
    MAX_FILE_BYTES,
    MarkupError,
    copy_paragraphs,
    read_copy,
    text_paragraphs,
)
from wsis.comments.models import Entry, MarkupImport
from wsis.drafts.demo import upu_proposals
from wsis.drafts.diff import word_diff
from wsis.stakeholders.models import Membership

UPU_NOTE = "possibly also in the capacity-building section, OP68 or 69"
COPIES = {
    "plain text": ("upu.txt", upu_text),
    "docx marked by hand": ("upu-marked.docx", lambda: upu_docx("hand")),
    "docx with tracked changes": ("upu-tracked.docx", lambda: upu_docx("tracked")),
}


def found(reading):
    amendments = {p.label: p.proposed_text for p in reading.proposals if p.kind == "amendment"}
    comments = [(p.label, p.text) for p in reading.proposals if p.kind == "comment"]
    return amendments, comments


@pytest.mark.parametrize("copy", COPIES, ids=list(COPIES))
def test_each_form_of_the_upu_copy_reads_as_its_four_amendments_and_its_note(version, copy):
    filename, data = COPIES[copy]
    reading = read_copy(version, filename, data())
    wording, _notes = upu_proposals()
    amendments, comments = found(reading)
    assert amendments == {f"OP {label}": text for label, text in wording.items()}
    assert comments == [("OP 31", UPU_NOTE)]
    assert len(reading.proposals) == 5 and reading.unmatched == []
    assert reading.matched_share > 0.95


@pytest.mark.parametrize("copy", COPIES, ids=list(COPIES))
def test_confirming_the_upu_copy_makes_the_upus_drafts_marked_as_imported(
    version, org_b, delegate_b, copy
):
    filename, data = COPIES[copy]
    reading = read_copy(version, filename, data())
    entries, outcome = services.import_markup(
        version, reading.proposals, organisation=org_b, author=delegate_b.user,
        source={"filename": filename, "sha256": reading.sha256},
    )  # fmt: skip
    assert outcome == services.CREATED
    wording, _notes = upu_proposals()
    drafts = Entry.objects.filter(organisation=org_b, status="draft")
    assert {e.paragraph.label: e.proposed_text for e in drafts.filter(kind="amendment")} == wording
    note = drafts.get(kind="comment")
    assert (note.paragraph.label, note.text) == ("31", UPU_NOTE)
    batch = MarkupImport.objects.get()
    assert batch.filename == filename and batch.uploaded_by == delegate_b.user
    assert set(drafts.values_list("imported_from", flat=True)) == {batch.pk}
    event = AuditEvent.objects.get(action="markup.imported")
    assert sorted(event.data["entries"]) == sorted(e.pk for e in entries)
    assert AuditEvent.objects.filter(action="entry.created").count() == 5


def test_the_same_copy_twice_makes_no_second_drafts(version, org_b, delegate_b):
    reading = read_copy(version, "upu.txt", upu_text())
    source = {"filename": "upu.txt", "sha256": reading.sha256}
    for _ in range(2):
        services.import_markup(
            version, reading.proposals, organisation=org_b, author=delegate_b.user, source=source
        )
    assert Entry.objects.filter(organisation=org_b).count() == 5


def test_a_closed_round_keeps_the_drafts_and_says_so(version, org_b, delegate_b):
    version.round.closes_at = version.round.opens_at + timedelta(hours=1)
    version.round.save()
    reading = read_copy(version, "upu.txt", upu_text())
    entries, outcome = services.import_markup(
        version, reading.proposals, organisation=org_b, author=delegate_b.user,
        source={"filename": "upu.txt", "sha256": reading.sha256},
    )  # fmt: skip
    assert outcome == services.LATE and len(entries) == 5
    assert AuditEvent.objects.filter(action="entry.refused_late").count() == 5


def partial_copy(*lines: str) -> bytes:
    return "\n".join(lines).encode()


def test_a_renumbered_partial_copy_lands_on_its_paragraphs_by_text(version):
    op26 = version.paragraphs.get(label="26").text
    op44 = version.paragraphs.get(label="44").text
    # Pasted out of order, numbered from 1, with a page break inside the second one.
    second_half = op26.split(" ", 10)
    copy = partial_copy(
        f"1. {op44} Adding words to forty-four.",
        f"2. {' '.join(second_half[:10])}",
        "\f3",
        f"- {second_half[10]} And to twenty-six.",
    )
    amendments, _ = found(read_copy(version, "pasted.txt", copy))
    assert amendments == {
        "OP 44": f"{op44} Adding words to forty-four.",
        "OP 26": f"{op26} And to twenty-six.",
    }


def test_a_paragraph_split_in_two_is_one_amendment_of_the_whole(version):
    text = version.paragraphs.get(label="31").text
    first, second = text.split(", to develop and make")
    copy = partial_copy(f"31. {first}.", f"31 bis. To develop and make{second}")
    reading = read_copy(version, "split.txt", copy)
    assert [(p.kind, p.label) for p in reading.proposals] == [("amendment", "OP 31")]
    assert reading.proposals[0].proposed_text == f"{first}. To develop and make{second}"


def test_a_rewritten_paragraph_matches_by_its_label(version):
    op9 = version.paragraphs.get(label="9").text
    rewritten = "We recognise the outcomes of the Summit, in a few words of our own choosing."
    kept = {n: version.paragraphs.get(label=str(n)).text for n in (7, 8, 10)}
    copy = partial_copy(f"7. {kept[7]}", f"8. {kept[8]}", f"9. {rewritten}", f"10. {kept[10]}")
    amendments, _ = found(read_copy(version, "rewritten.txt", copy))
    assert amendments == {"OP 9": rewritten} and op9 != rewritten


def test_what_matches_nothing_is_shown_not_dropped(version):
    copy = partial_copy(
        f"26. {version.paragraphs.get(label='26').text}",
        f"27. {version.paragraphs.get(label='27').text}",
        "300. A paragraph of ours about postal money orders and remittances in rural areas.",
    )
    reading = read_copy(version, "extra.txt", copy)
    assert reading.proposals == []
    assert [(p.label, p.proposed) for p in reading.unmatched] == [
        ("300", "A paragraph of ours about postal money orders and remittances in rural areas.")
    ]


def test_slashes_inside_wording_are_not_margin_notes():
    (paragraph,) = text_paragraphs("5. As in resolution A/RES/70/125 and/or 79/1, /see OP 9/ too.")
    assert paragraph.proposed == "As in resolution A/RES/70/125 and/or 79/1, too."
    assert paragraph.notes == ["see OP 9"]


def docx_with(build) -> bytes:
    document = Document()
    build(document)
    return save(document)


def test_tracked_deletions_new_paragraphs_and_whole_deletions_by_any_author(version):
    op9, op10 = (version.paragraphs.get(label=label).text for label in ("9", "10"))
    kept, cut = op9.split(", including", 1)

    def build(document):
        paragraph = document.add_paragraph(f"9. {kept}")
        tracked(paragraph, "del", f", including{cut[:-1]}", author="Jane Doe")
        paragraph.add_run(".")
        struck = document.add_paragraph("10. ")
        tracked(struck, "del", op10, author="Someone Else")
        added = document.add_paragraph()
        tracked(added, "ins", "10 bis. We call for a new paragraph on postal networks.")
        document.add_paragraph(f"11. {version.paragraphs.get(label='11').text}")

    reading = read_copy(version, "deletions.docx", docx_with(build))
    assert [(p.kind, p.label, p.proposed_text) for p in reading.proposals] == [
        ("amendment", "OP 9", f"{kept}."),
        ("deletion", "OP 10", ""),
        ("new_paragraph", "OP10 bis", "We call for a new paragraph on postal networks."),
    ]


def test_hand_marks_of_every_kind_count_as_insertions_and_strike_through_as_deletion(version):
    op12 = version.paragraphs.get(label="12").text
    head, tail = op12.split(" ", 1)

    def build(document):
        paragraph = document.add_paragraph(f"12. {head} ")
        paragraph.add_run("underlined ").underline = True
        paragraph.add_run("coloured ").font.color.rgb = __import__("docx").shared.RGBColor(
            0xC0, 0, 0
        )
        marked(paragraph, "highlighted ")
        paragraph.add_run("struck ").font.strike = True
        paragraph.add_run(tail)

    amendments, _ = found(read_copy(version, "hand.docx", docx_with(build)))
    assert amendments == {"OP 12": f"{head} underlined coloured highlighted {tail}"}


def test_a_word_comment_lands_on_the_paragraph_its_range_starts_in(version):
    def build(document):
        paragraph = document.add_paragraph(f"14. {version.paragraphs.get(label='14').text}")
        document.add_comment(paragraph.runs[0], text="Keep as is.\nWe agree.", author="ITU")
        document.add_paragraph(f"15. {version.paragraphs.get(label='15').text}")

    reading = read_copy(version, "comment.docx", docx_with(build))
    assert [(p.kind, p.label, p.text) for p in reading.proposals] == [
        ("comment", "OP 14", "Keep as is.\nWe agree.")
    ]


# Bad files: a clear message, and nothing changes.


def refused(version, filename, data) -> str:
    with pytest.raises(MarkupError) as caught:
        read_copy(version, filename, data)
    return str(caught.value)


def test_a_binary_file_that_is_neither_docx_nor_text_is_refused(version):
    assert "neither a Word document" in refused(version, "photo.jpg", b"\xff\xd8\xff\x00" * 50)


def test_a_pdf_is_refused_with_what_to_do_instead(version):
    assert "pdftotext" in refused(version, "copy.pdf", b"%PDF-1.7\n...")


def test_an_encrypted_docx_is_refused(version):
    # Word saves a password-protected DOCX as an OLE compound file holding the encrypted zip.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + b"EncryptedPackage"
    assert "password-protected" in refused(version, "locked.docx", ole)


@pytest.mark.parametrize("filename", ["copy.docm", "copy.docx"])
def test_a_macro_enabled_file_is_refused(version, filename):
    parts = {"word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"\x00macro"}
    assert "macros" in refused(version, filename, zipped(parts))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(version):
    nothing = b"\x00" * (60 * 1024 * 1024)
    bomb = zipped({"word/document.xml": nothing}, compression=zipfile.ZIP_DEFLATED)
    assert len(bomb) < 200_000
    assert "unpacks to far more" in refused(version, "bomb.docx", bomb)


def test_a_zip_of_too_many_parts_is_refused(version):
    parts = {f"word/media/{n}.xml": b"" for n in range(1200)} | {"word/document.xml": b"<x/>"}
    assert "unpacks to far more" in refused(version, "many.docx", zipped(parts))


def test_a_zip_that_is_not_a_word_document_is_refused(version):
    assert "not a Word document" in refused(version, "a.docx", zipped({"a.txt": b"hello"}))


def test_a_copy_of_another_document_says_how_little_matched(version):
    other = "\n".join(
        f"{n}. The committee on fisheries notes the catch of {n} tonnes of cod in zone {n}."
        for n in range(1, 30)
    ).encode()
    message = refused(version, "fisheries.txt", other)
    assert "0% of the file's wording is found in Zero draft" in message


def test_a_file_over_the_size_limit_is_refused():
    with pytest.raises(MarkupError, match="too large"):
        copy_paragraphs("huge.txt", b"a" * (MAX_FILE_BYTES + 1))


def test_nothing_changes_when_a_file_is_refused(version, org_b):
    with pytest.raises(MarkupError):
        read_copy(version, "bomb.docx", b"PK\x03\x04 damaged")
    assert not Entry.objects.exists() and not MarkupImport.objects.exists()


def test_an_operator_import_has_no_uploader_and_no_actor(version, org_b):
    author = make_user("upu.focal")
    Membership.objects.create(user=author, organisation=org_b, role=Membership.Role.FOCAL_POINT)
    reading = read_copy(version, "upu.txt", upu_text())
    services.import_markup(
        version, reading.proposals, organisation=org_b, author=author, operator=True,
        source={"filename": "upu.txt", "sha256": reading.sha256},
    )  # fmt: skip
    assert MarkupImport.objects.get().uploaded_by is None
    event = AuditEvent.objects.get(action="markup.imported")
    assert event.actor is None and event.data["operator"] is True


def test_a_word_export_with_labels_apart_a_legend_and_tracked_changes_reads_as_its_entries(
    version,
):
    # As a platform's own export shows a submission: title, a legend marked as the changes are,
    # each label in a paragraph of its own, the organisation's changes tracked in its name and
    # its note as a Word comment anchored by its range.
    wording, notes = upu_proposals()

    def build(document):
        document.add_paragraph("WSIS+20 review · Zero draft", style="Title")
        legend = document.add_paragraph()
        tracked(legend, "ins", "inserted")
        legend.add_run(" · ")
        tracked(legend, "del", "deleted")
        for paragraph in version.paragraphs.order_by("order"):
            document.add_paragraph(paragraph.display_label)
            body = document.add_paragraph()
            new = wording.get(paragraph.label, paragraph.text)
            for change in word_diff(paragraph.text, new):
                if change.op == "equal":
                    body.add_run(change.text)
                else:
                    tracked(body, "ins" if change.op == "insert" else "del", change.text)
            if paragraph.label in notes:
                document.add_comment(body.runs, text=notes[paragraph.label], author=UPU)

    reading = read_copy(version, "UPU submission.docx", docx_with(build))
    amendments, comments = found(reading)
    assert amendments == {f"OP {label}": text for label, text in wording.items()}
    assert comments == [("OP 31", UPU_NOTE)]
    assert [p.proposed for p in reading.unmatched] == ["inserted ·"]


def test_two_paragraphs_run_together_in_the_copy_each_get_their_own_change(version):
    op9, op10 = (version.paragraphs.get(label=label).text for label in ("9", "10"))
    changed = op10.replace("We are committed", "We are firmly committed")
    assert changed != op10
    reading = read_copy(version, "merged.txt", partial_copy(f"9. {op9} {changed}"))
    amendments, _ = found(reading)
    assert amendments == {"OP 10": changed}


def test_a_pasted_copy_without_labels_is_read_paragraph_by_paragraph(version):
    op20, op21 = (version.paragraphs.get(label=label).text for label in ("20", "21"))
    pasted = partial_copy(op20, "", f"{op21} Also by the post.")
    amendments, _ = found(read_copy(version, "pasted.txt", pasted))
    assert amendments == {"OP 21": f"{op21} Also by the post."}
