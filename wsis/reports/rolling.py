"""The rolling text of a version (``wsis.comments.rolling``) as a PDF or a Word document,
rendered by the workers.

A job records the version and whether the proposals pending moderation go in
(``options["with_pending"]``, facilitators only). In the PDF, insertions keep the compilation's
look (bold on yellow, underlined), and the brackets make them read in black and white; in the
Word document the brackets stay as text and the proposed words are tracked changes authored by
their proponents.
"""

from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from wsis.comments.models import Entry
from wsis.negotiation.convergence import negotiating_text
from wsis.negotiation.models import ParagraphStatus
from wsis.reports.compilation import file_fingerprint
from wsis.reports.ooxml import Marks
from wsis.reports.word import LEGEND, add_header_block, contents, finish, legend, marked_document
from wsis.stakeholders.models import Organisation
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
        statuses=list(
            ParagraphStatus.objects.filter(paragraph__version=version)
            .order_by("paragraph_id")
            .values_list("paragraph_id", "status", "updated")
        ),
    )


def _sections(job):
    with_pending = job.options.get("with_pending", False)
    return negotiating_text(job.version, with_pending=with_pending)[0]


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


class _Pieces:
    """Writes a rolling paragraph: the brackets and attributions as text, every proposed
    wording as a tracked change by the organisations that propose it, so that accepting or
    rejecting one in Word takes it in or leaves it out."""

    def __init__(self, marks: Marks, names: dict[str, str]):
        self.marks = marks
        self.names = names

    def author(self, proponents: list[str]) -> str:
        return ", ".join(self.names.get(acronym, acronym) for acronym in proponents)

    def add(self, paragraph, piece) -> None:
        def run(text):
            paragraph.add_run(xml_safe(text))

        if piece.kind == "text":
            run(piece.text)
            return
        who = ", ".join(piece.proponents)
        author = self.author(piece.proponents)
        if piece.kind == "insert":
            run("[")
            self.marks.insertion(paragraph, xml_safe(piece.text), author)
            run(f" – {who}] ")
        elif piece.kind == "delete":
            run("[")
            self.marks.deletion(paragraph, xml_safe(piece.text), author)
            run(f" – {who} delete] ")
        else:
            run("[")
            for number, (wording, proponents) in enumerate(piece.alternatives):
                if number:
                    run(" / ")
                if wording:
                    self.marks.insertion(paragraph, xml_safe(wording), self.author(proponents))
                    run(f" – {', '.join(proponents)}")
                else:
                    run(f"{', '.join(proponents)} delete")
            run("] ")


def write_rolling_docx(job, target) -> None:
    """Headings and paragraphs as Word styles, so the secretariat can go on editing it."""
    document = marked_document()
    marks = Marks(document)
    version = job.version
    sections = _sections(job)
    pieces = _Pieces(marks, dict(Organisation.objects.values_list("acronym", "name")))
    add_header_block(document, version)
    document.add_heading(xml_safe(version.consultation.title), level=0)
    document.add_paragraph(xml_safe(f"{version.label}: rolling text"))
    legend(document, lines=LEGEND[:1])
    bookmarks = contents(document, [section.heading for section in sections])
    for section, bookmark in zip(sections, bookmarks, strict=True):
        marks.bookmark(document.add_heading(xml_safe(section.heading), level=1), bookmark)
        for block in section.blocks:
            if block.delete:
                document.add_paragraph(xml_safe(f"[{', '.join(block.delete)}: delete]"))
            paragraph = document.add_paragraph()
            paragraph.add_run(xml_safe(block.label) + "  ").bold = True
            if block.status:
                paragraph.add_run(xml_safe(f"[{block.status}] "))
            for piece in block.pieces:
                pieces.add(paragraph, piece)
    title = f"{version.consultation.title} · {version.label} · " + _("rolling text")
    finish(document, title=title, author=_("Resolution commenting"), subject=version.label)
    document.save(target)
