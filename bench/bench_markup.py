"""Importing a marked-up copy of a 600-paragraph draft with 200 changes.

The draft is the zero draft four times over, as ``bench_alignment`` makes it; the copy changes
every third paragraph (a clause added, as the UPU added its), once as a DOCX with tracked
changes and once as plain text. Measured: reading and matching each copy (what the upload does
before its preview), and the whole import, the 200 drafts and their audit events saved.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from bench.bench_alignment import synthetic_versions
from bench.timing import figure, median_seconds
from tests.comments.markup_files import save, tracked
from wsis.comments.markup import read_copy
from wsis.comments.models import Entry
from wsis.comments.services import import_markup
from wsis.drafts.importer import ParsedDraft, ParsedParagraph, ParsedSection, import_draft
from wsis.drafts.models import Consultation
from wsis.stakeholders.models import Organisation, StakeholderGroup

CLAUSE = ", through the post offices, schools and libraries of every community"


def _copies(paragraphs) -> tuple[bytes, bytes, int]:
    from docx import Document

    document = Document()
    lines = []
    changed = 0
    for number, (label, text) in enumerate(paragraphs):
        paragraph = document.add_paragraph(f"{label}. {text[:-1]}")
        if number % 3 == 0:
            changed += 1
            tracked(paragraph, "ins", CLAUSE)
            lines.append(f"{label}. {text[:-1]}{CLAUSE}{text[-1]}")
        else:
            lines.append(f"{label}. {text}")
        paragraph.add_run(text[-1])
    return save(document), "\n".join(lines).encode(), changed


def run() -> dict:
    old, _new = synthetic_versions(600)
    paragraphs = [(str(n), text) for n, (_label, text) in enumerate(old, start=1)]
    consultation, _ = Consultation.objects.get_or_create(slug="bench-markup", title="Bench")
    section = ParsedSection(
        heading="Operative part",
        line=1,
        paragraphs=[ParsedParagraph(label, "operative", text, 0) for label, text in paragraphs],
    )
    parsed = ParsedDraft(title="Bench", sections=[section], sha256="bench")
    version = import_draft(consultation, "Zero draft", parsed)
    docx, text, changed = _copies(paragraphs)
    assert changed == 200
    assert len(read_copy(version, "copy.docx", docx).proposals) == 200
    assert len(read_copy(version, "copy.txt", text).proposals) == 200
    read_docx = median_seconds(lambda: read_copy(version, "copy.docx", docx), repeat=5)
    read_text = median_seconds(lambda: read_copy(version, "copy.txt", text), repeat=5)

    organisation, _ = Organisation.objects.get_or_create(
        acronym="BENCH", defaults={"name": "Bench", "group": StakeholderGroup.objects.first()}
    )
    author, _ = get_user_model().objects.get_or_create(username="bench.markup")

    def whole_import():
        # Rolled back each time, so every round saves the 200 drafts anew.
        with transaction.atomic():
            reading = read_copy(version, "copy.docx", docx)
            import_markup(
                version, reading.proposals, organisation=organisation, author=author,
                source={"filename": "copy.docx", "sha256": reading.sha256},
            )  # fmt: skip
            assert Entry.objects.filter(organisation=organisation).count() == 200
            transaction.set_rollback(True)

    imported = median_seconds(whole_import, repeat=3)
    return {
        "markup.600_paragraphs_read_docx": figure(
            read_docx * 1000, "ms", paragraphs=600, changes=200
        ),
        "markup.600_paragraphs_read_text": figure(
            read_text * 1000, "ms", paragraphs=600, changes=200
        ),
        "markup.600_paragraphs_import_docx": figure(
            imported * 1000, "ms", paragraphs=600, changes=200, drafts=200
        ),
    }
