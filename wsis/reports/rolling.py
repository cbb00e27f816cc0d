"""The rolling text of a version (``wsis.comments.rolling``) as a PDF or a Word document,
rendered by the workers.

A job records the version and whether the proposals pending moderation go in
(``options["with_pending"]``, facilitators only). Insertions keep the compilation's look (bold on
yellow, underlined; a Word character style "Insertion"), and the brackets make them read in
black and white.
"""

from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from wsis.comments.models import Entry
from wsis.comments.rolling import rolling_text
from wsis.reports.compilation import file_fingerprint
from wsis.reports.word import add_header_block, marked_document
from wsis.text import xml_safe

TEMPLATE = "reports/pdf/rolling.html"


def rolling_options(with_pending: bool) -> dict:
    return {"with_pending": bool(with_pending)}


def rolling_hash(version, options: dict, fmt: str, language: str) -> str:
    """A fingerprint of what the file shows: the paragraphs and every proposal on them."""
    entries = Entry.objects.filter(version=version).aggregate(
        changed=Max("updated"), last=Max("pk")
    )
    supports = version.entries.aggregate(supports=Max("supports__pk"))
    return file_fingerprint(
        "rolling",
        fmt,
        language,
        version,
        status=version.status,
        paragraphs=list(version.paragraphs.values_list("pk", "label", "text")),
        options=options,
        entries=[entries, supports],
    )


def _sections(job):
    return rolling_text(job.version, with_pending=job.options.get("with_pending", False))


def rolling_html(job) -> str:
    consultation = job.version.consultation
    context = {
        "consultation": consultation,
        "version": job.version,
        "sections": _sections(job),
        "with_pending": job.options.get("with_pending", False),
        "generated": timezone.localtime(timezone.now(), consultation.tz),
    }
    return render_to_string(TEMPLATE, context)


def _add_piece(paragraph, piece) -> None:
    def run(text, style=None):
        paragraph.add_run(xml_safe(text), style=style)

    if piece.kind == "text":
        run(piece.text)
        return
    who = ", ".join(piece.proponents)
    if piece.kind == "insert":
        run("["), run(piece.text, "Insertion"), run(f" – {who}] ")
    elif piece.kind == "delete":
        run("["), run(piece.text, "Deletion"), run(f" – {who} delete] ")
    else:
        run("[")
        for number, (wording, proponents) in enumerate(piece.alternatives):
            if number:
                run(" / ")
            if wording:
                run(wording, "Insertion")
                run(f" – {', '.join(proponents)}")
            else:
                run(f"{', '.join(proponents)} delete")
        run("] ")


def write_rolling_docx(job, target) -> None:
    """Headings and paragraphs as Word styles, so the secretariat can go on editing it."""
    document = marked_document()
    version = job.version
    add_header_block(document, version)
    document.add_heading(xml_safe(version.consultation.title), level=0)
    document.add_paragraph(xml_safe(f"{version.label}: rolling text"))
    for section in _sections(job):
        document.add_heading(xml_safe(section.heading), level=1)
        for block in section.blocks:
            if block.delete:
                document.add_paragraph(xml_safe(f"[{', '.join(block.delete)}: delete]"))
            paragraph = document.add_paragraph()
            paragraph.add_run(xml_safe(block.label) + "  ").bold = True
            for piece in block.pieces:
                _add_piece(paragraph, piece)
    document.save(target)
