"""The UPU's copy of the zero draft as delegations send it back: plain text, DOCX marked by
hand (bold on yellow), DOCX with tracked changes and a Word comment; built from the texts in
``wsis/drafts/fixtures`` with python-docx, tracked changes as raw ``w:ins``/``w:del``."""

import io
import zipfile
from itertools import count

from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tests.conftest import parsed
from wsis.drafts.demo import UPU_COPY, ZERO_DRAFT, upu_proposals
from wsis.drafts.diff import word_diff

UPU = "Universal Postal Union"
_ids = count(1)


def upu_text() -> bytes:
    return UPU_COPY.read_bytes()


def tracked(paragraph, kind: str, text: str, author: str = UPU) -> None:
    """A run inside a ``w:ins`` or ``w:del`` (with ``w:delText``), as Word writes it."""
    change = OxmlElement(f"w:{kind}")
    change.set(qn("w:id"), str(next(_ids)))
    change.set(qn("w:author"), author)
    change.set(qn("w:date"), "2025-07-25T10:00:00Z")
    run = OxmlElement("w:r")
    piece = OxmlElement("w:t" if kind == "ins" else "w:delText")
    piece.set(qn("xml:space"), "preserve")
    piece.text = text
    run.append(piece)
    change.append(run)
    paragraph._p.append(change)


def marked(paragraph, text: str) -> None:
    run = paragraph.add_run(text)
    run.bold = True
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upu_docx(style: str, changes: dict[str, str] | None = None) -> bytes:
    """The zero draft with the UPU's wording (or ``changes``: label -> new wording) marked
    ``"hand"`` (bold on yellow, struck through) or ``"tracked"`` (tracked changes by the UPU);
    its OP31 note inline between slashes by hand, or as a Word comment."""
    wording, notes = upu_proposals() if changes is None else (changes, {})
    document = Document()
    document.add_paragraph("WSIS+20 UNGA resolution")
    for section in parsed(ZERO_DRAFT).sections:
        document.add_heading(section.heading, level=2)
        for source in section.paragraphs:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{source.label}. ")
            for change in word_diff(source.text, wording.get(source.label, source.text)):
                if change.op == "equal":
                    paragraph.add_run(change.text)
                elif style == "tracked":
                    tracked(paragraph, "ins" if change.op == "insert" else "del", change.text)
                elif change.op == "insert":
                    marked(paragraph, change.text)
                else:
                    paragraph.add_run(change.text).font.strike = True
            note = notes.get(source.label)
            if note and style == "tracked":
                document.add_comment(paragraph.runs[-1], text=note, author=UPU, initials="UPU")
            elif note:
                marked(paragraph, f" /{note}/")
    return save(document)


def zipped(parts: dict[str, bytes], **options) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", **options) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()
