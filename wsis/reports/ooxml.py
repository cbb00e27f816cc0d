"""What Word users expect of a document, in the XML Word itself writes: tracked changes
(``w:ins``/``w:del`` with an author and a date, accepted or rejected in Word's Review pane),
comments in the margin, a table of contents already filled in, page numbers in the footer and
document properties that are ours rather than python-docx's template's.

python-docx (1.2) writes comments; tracked changes, bookmarks and fields are written here.
"""

import datetime as dt
from itertools import count
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from wsis.text import xml_safe

APP_PROPERTIES = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>{application}</Application><DocSecurity>0</DocSecurity></Properties>"
)


def word_date(moment: dt.datetime | None) -> str:
    """A ``w:date`` as Word writes it: UTC, to the second."""
    moment = (moment or timezone.now()).astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class Marks:
    """The annotations of one document. Revisions, comments and bookmarks share one run of
    ``w:id`` values, so that no two annotations of the document have the same."""

    def __init__(self, document):
        self.document = document
        self._ids = count(1)

    def next_id(self) -> str:
        return str(next(self._ids))

    def _revision(self, tag: str, author: str, date: dt.datetime | None):
        element = OxmlElement(tag)
        element.set(qn("w:id"), self.next_id())
        element.set(qn("w:author"), xml_safe(author))
        element.set(qn("w:date"), word_date(date))
        return element

    def tracked(self, paragraph, changes, author: str, date: dt.datetime | None = None):
        """The words of ``changes`` (``wsis.drafts.diff.Change``) into the paragraph: equal
        ones as plain runs, the others as insertions and deletions by ``author``."""
        for change in changes:
            text = xml_safe(change.text)
            if change.op == "equal":
                paragraph.add_run(text)
            elif change.op == "insert":
                self.insertion(paragraph, text, author, date)
            else:
                self.deletion(paragraph, text, author, date)
        return paragraph

    def insertion(self, paragraph, text: str, author: str, date=None):
        run = paragraph.add_run(text)
        wrapper = self._revision("w:ins", author, date)
        run._r.addprevious(wrapper)
        wrapper.append(run._r)
        return run

    def deletion(self, paragraph, text: str, author: str, date=None):
        wrapper = self._revision("w:del", author, date)
        run = OxmlElement("w:r")
        deleted = OxmlElement("w:delText")
        deleted.set(qn("xml:space"), "preserve")
        deleted.text = text
        run.append(deleted)
        wrapper.append(run)
        paragraph._p.append(wrapper)

    def paragraph_mark(self, paragraph, op: str, author: str, date=None) -> None:
        """Mark the paragraph itself inserted or deleted, so that rejecting (or accepting) the
        change removes the whole paragraph, not only its words."""
        properties = paragraph._p.get_or_add_pPr()
        marks = properties.find(qn("w:rPr"))
        if marks is None:
            marks = OxmlElement("w:rPr")
            properties.append(marks)
        marks.append(self._revision("w:ins" if op == "insert" else "w:del", author, date))

    def comment(self, paragraph, text: str, author: str, date=None, initials: str = ""):
        """A Word comment by ``author`` anchored on the whole paragraph."""
        comment = self.document.comments.add_comment(
            text=xml_safe(text), author=xml_safe(author), initials=xml_safe(initials)
        )
        identifier = self.next_id()
        element = comment._comment_elm
        element.set(qn("w:id"), identifier)
        element.set(qn("w:date"), word_date(date))
        start = OxmlElement("w:commentRangeStart")
        start.set(qn("w:id"), identifier)
        p = paragraph._p
        properties = p.find(qn("w:pPr"))
        p.insert(0 if properties is None else p.index(properties) + 1, start)
        end = OxmlElement("w:commentRangeEnd")
        end.set(qn("w:id"), identifier)
        reference = OxmlElement("w:commentReference")
        reference.set(qn("w:id"), identifier)
        run = OxmlElement("w:r")
        run.append(reference)
        p.append(end)
        p.append(run)
        return comment

    def bookmark(self, paragraph, name: str) -> None:
        """A bookmark around the paragraph's content: what a table of contents links to."""
        identifier = self.next_id()
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), identifier)
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), identifier)
        p = paragraph._p
        properties = p.find(qn("w:pPr"))
        p.insert(0 if properties is None else p.index(properties) + 1, start)
        p.append(end)


def _field_char(kind: str):
    run = OxmlElement("w:r")
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    run.append(element)
    return run


def _instruction(text: str):
    run = OxmlElement("w:r")
    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = text
    run.append(element)
    return run


def toc_bookmark(number: int) -> str:
    # Word names the bookmarks of its own tables of contents "_Toc…"; the underscore hides them.
    return f"_Toc{number:08d}"


def filled_table_of_contents(document, headings: list[tuple[str, str]]) -> None:
    """A table of contents already filled in: one linked line per (heading, bookmark).

    Without page numbers (``\\n``), which only Word's layout knows: the field's result is
    complete as written, so Word shows it as is and updating it (F9) gives the same lines.
    """
    styles = document.styles
    if "TOC 1" not in [style.name for style in styles]:
        from docx.enum.style import WD_STYLE_TYPE

        style = styles.add_style("TOC 1", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.paragraph_format.space_after = Pt(4)
    if not headings:
        document.add_paragraph(_("This document has no sections."))
        return
    paragraphs = [document.add_paragraph(style="TOC 1") for _heading in headings]
    first, last = paragraphs[0]._p, paragraphs[-1]._p
    first.append(_field_char("begin"))
    first.append(_instruction(' TOC \\o "1-1" \\h \\z \\n '))
    first.append(_field_char("separate"))
    for paragraph, (heading, bookmark) in zip(paragraphs, headings, strict=True):
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), bookmark)
        link.set(qn("w:history"), "1")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.set(qn("xml:space"), "preserve")
        text.text = xml_safe(heading)
        run.append(text)
        link.append(run)
        paragraph._p.append(link)
    last.append(_field_char("end"))


def page_numbers(document) -> None:
    """The page number, centred in every page's footer, as a PAGE field."""
    for section in document.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p = paragraph._p
        p.append(_field_char("begin"))
        p.append(_instruction(" PAGE "))
        p.append(_field_char("separate"))
        paragraph.add_run("1")  # what shows until Word lays the page out
        p.append(_field_char("end"))


def set_properties(document, *, title: str, author: str, subject: str = "") -> None:
    """Title, author and dates of this document, and nothing left of python-docx's template
    (its author, description, dates and thumbnail, and an application that did not write it)."""
    now = timezone.now().replace(microsecond=0)
    properties = document.core_properties
    properties.title = xml_safe(title)
    properties.author = properties.last_modified_by = xml_safe(author)
    properties.subject = xml_safe(subject)
    properties.comments = ""
    properties.keywords = ""
    properties.created = properties.modified = now
    properties.revision = 1
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_PROPERTIES.format(
                application=escape(xml_safe(_("Resolution commenting")))
            ).encode()
