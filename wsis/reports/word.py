"""The compilation and an organisation's submission as Word documents, as Word users expect
them: real styles, so that the secretariat can edit them; each proposal as tracked changes
authored by its organisation; comments and justifications as Word comments; a filled table of
contents and page numbers (``wsis.reports.ooxml``)."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.shared import Pt, RGBColor

from wsis.drafts.diff import word_diff
from wsis.reports.compilation import Compilation, Item
from wsis.reports.ooxml import (
    Marks,
    filled_table_of_contents,
    page_numbers,
    set_properties,
    toc_bookmark,
)
from wsis.text import xml_safe


def marked_document():
    """A new Word document in our body font, with the character styles that mark proposed
    insertions (bold on yellow, underlined) and deletions (struck through)."""
    document = Document()
    styles = document.styles
    styles["Normal"].font.name = "Noto Sans"
    styles["Normal"].font.size = Pt(10)
    insertion = styles.add_style("Insertion", WD_STYLE_TYPE.CHARACTER)
    insertion.font.bold = True
    insertion.font.underline = True
    insertion.font.highlight_color = WD_COLOR_INDEX.YELLOW
    deletion = styles.add_style("Deletion", WD_STYLE_TYPE.CHARACTER)
    deletion.font.strike = True
    return document


def add_header_block(document, version) -> None:
    """The version's UN header block (symbol, distribution, date, original language), one
    right-aligned line each, as at the top of a UN document; nothing when it has none."""
    lines = [version.symbol] if version.symbol else []
    if version.distribution:
        lines.append(_("Distribution: %(d)s") % {"d": version.get_distribution_display()})
    if version.document_date:
        lines.append(formats.date_format(version.document_date, "j F Y"))
    if version.original_language:
        lines.append(_("Original: %(language)s") % {"language": version.original_language})
    for line in lines:
        document.add_paragraph(xml_safe(line)).alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _styles(document):
    styles = document.styles
    made = {}
    for name, base, size, bold, colour in [
        ("Paragraph Label", "Heading 3", 10, True, RGBColor(0x1A, 0x4E, 0x8A)),
        ("Stakeholder Group", "Heading 4", 8.5, True, RGBColor(0x55, 0x55, 0x55)),
        ("Attribution", "Normal", 9, True, None),
        ("Proposal", "Normal", 10, False, None),
        ("Justification", "Normal", 9, False, None),
    ]:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        style.font.size = Pt(size)
        style.font.bold = bold
        if colour is not None:
            style.font.color.rgb = colour
        made[name] = style
    made["Proposal"].paragraph_format.left_indent = Pt(18)
    made["Justification"].paragraph_format.left_indent = Pt(18)
    made["Attribution"].paragraph_format.left_indent = Pt(18)
    # Not yet moderated: bold capitals on grey, which read in black and white too.
    pending = styles.add_style("Pending Moderation", WD_STYLE_TYPE.CHARACTER)
    pending.font.bold = True
    pending.font.all_caps = True
    pending.font.highlight_color = WD_COLOR_INDEX.GRAY_25


LEGEND = [
    _(
        "Proposed insertions and deletions are Word tracked changes, each authored by the "
        "organisation that proposes it: Review > Track Changes shows who, and each can be "
        "accepted or rejected."
    ),
    _(
        "Comments and justifications are Word comments in the margin, anchored on the "
        "paragraph they are about."
    ),
]


def legend(document, *, pending: bool = False, lines=None):
    """How to read the marks, on the cover."""
    document.add_paragraph(_("How to read this document"), style="Heading 2")
    for line in LEGEND if lines is None else lines:
        document.add_paragraph(line, style="List Bullet")
    if pending:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(_("pending moderation"), style="Pending Moderation")
        paragraph.add_run(" " + _("marks an entry that facilitators have not yet moderated."))


def contents(document, headings: list[str]) -> list[str]:
    """The contents page, filled in; returns the bookmark of each heading, in order."""
    bookmarks = [toc_bookmark(number) for number in range(1, len(headings) + 1)]
    document.add_paragraph(_("Contents"), style="TOC Heading")
    filled_table_of_contents(document, list(zip(headings, bookmarks, strict=True)))
    document.add_page_break()
    return bookmarks


def finish(document, *, title: str, author: str, subject: str = ""):
    page_numbers(document)
    set_properties(document, title=title, author=author, subject=subject)
    return document


def _mark_pending(paragraph, item: Item):
    if item.pending:
        paragraph.add_run(_("pending moderation"), style="Pending Moderation")
        paragraph.add_run(" ")
    return paragraph


def _when(entry):
    return entry.submitted_at or entry.created


def _pending_prefix(item: Item) -> str:
    return _("pending moderation") + ": " if item.pending else ""


def _tracked(document, marks: Marks, item: Item, style=None):
    """The proposal as tracked changes by its organisation on the paragraph's words."""
    entry = item.entry
    paragraph = document.add_paragraph(style=style)
    author, when = entry.organisation.name, _when(entry)
    marks.tracked(paragraph, item.changes, author, when)
    if entry.kind in (entry.Kind.NEW_PARAGRAPH, entry.Kind.DELETION):
        op = "insert" if entry.kind == entry.Kind.NEW_PARAGRAPH else "delete"
        marks.paragraph_mark(paragraph, op, author, when)
    return paragraph


def _comment(marks: Marks, paragraph, item: Item, text: str) -> None:
    entry = item.entry
    lines = [_pending_prefix(item) + text]
    if item.supporters:
        lines.append(_("Supported by:") + " " + "; ".join(item.supporters))
    marks.comment(
        paragraph,
        "\n".join(lines),
        entry.organisation.name,
        _when(entry),
        initials=entry.organisation.acronym,
    )


def _item(document, marks: Marks, item: Item, with_decisions: bool):
    entry = item.entry
    heading = f"{item.attribution} · {entry.get_kind_display()}"
    if with_decisions and entry.decision != entry.Decision.OPEN:
        heading += " · " + _("Decision:") + " " + entry.get_decision_display()
    _mark_pending(document.add_paragraph(style="Attribution"), item).add_run(xml_safe(heading))
    proposal = _tracked(document, marks, item, style="Proposal")
    if entry.text:
        _comment(marks, proposal, item, _("Justification:") + " " + entry.text)
    if item.supporters:
        document.add_paragraph(
            _("Supported by:") + " " + xml_safe("; ".join(item.supporters)),
            style="Justification",
        )
    if with_decisions and entry.decision_rationale:
        document.add_paragraph(
            _("Rationale:") + " " + xml_safe(entry.decision_rationale), style="Justification"
        )


def _submission_block(document, marks: Marks, block):
    """The organisation's own copy of a paragraph: its proposals as tracked changes on it,
    its comments in the margin."""
    shown = []
    for item in block.proposals:
        if item.pending:
            _mark_pending(document.add_paragraph(style="Justification"), item)
        shown.append(_tracked(document, marks, item))
        if item.entry.text:
            _comment(marks, shown[-1], item, item.entry.text)
    if not shown:
        shown.append(document.add_paragraph(xml_safe(block.paragraph.text)))
    for item in block.comments:
        _comment(marks, shown[0], item, item.entry.text)


def _compilation_block(document, marks: Marks, block, with_decisions: bool):
    if block.is_new:
        text = _("Proposed new paragraph after %(label)s.") % {"label": block.paragraph.anchor}
    else:
        text = block.paragraph.text
    base = document.add_paragraph(xml_safe(text))
    for item in block.comments:
        _comment(marks, base, item, item.entry.text)
    for group_block in block.groups:
        proposals = [item for item in group_block.items if item.entry.is_proposal]
        if not proposals:
            continue
        document.add_paragraph(xml_safe(group_block.group.name), style="Stakeholder Group")
        for item in proposals:
            _item(document, marks, item, with_decisions)


def build(compilation: Compilation, kind: str):
    document = marked_document()
    _styles(document)
    marks = Marks(document)
    version = compilation.version
    consultation = version.consultation
    options = compilation.options
    title = f"{consultation.title} · {version.label}"
    document.add_paragraph(xml_safe(consultation.title), style="Subtitle")
    if kind == "submission":
        organisation = compilation.organisation
        author = organisation.name
        title += " · " + organisation.name
        document.add_paragraph(xml_safe(version.title or version.label), style="Title")
        document.add_paragraph(
            _("With the comments and proposals of %(name)s")
            % {"name": xml_safe(organisation.attribution)}
        )
    else:
        author = _("Resolution commenting")
        title += " · " + _("Compilation of comments and proposals")
        document.add_paragraph(_("Compilation of comments and proposals"), style="Title")
        document.add_paragraph(xml_safe(f"{version.title or version.label} ({version.label})"))
    generated = timezone.localtime(timezone.now(), consultation.tz)
    document.add_paragraph(
        _("Compiled on %(date)s") % {"date": generated.strftime("%d %B %Y, %H:%M %Z")}
    )
    if options.with_pending:
        document.add_paragraph(
            _(
                "Published entries, and entries pending moderation, each marked “pending "
                "moderation”."
            )
        )
    else:
        document.add_paragraph(_("Published entries only."))
    legend(document, pending=options.with_pending)
    if kind != "submission" and compilation.counts:
        table = document.add_table(rows=1, cols=3, style="Light List")
        for cell, text in zip(
            table.rows[0].cells,
            [_("Stakeholder group"), _("Organisations"), _("Entries")],
            strict=True,
        ):
            cell.text = text
        for group, organisations, entries in compilation.counts:
            row = table.add_row().cells
            row[0].text, row[1].text, row[2].text = (
                xml_safe(group.name),
                str(organisations),
                str(entries),
            )
    document.add_page_break()
    bookmarks = contents(document, [section.heading for section in compilation.sections])

    for section, bookmark in zip(compilation.sections, bookmarks, strict=True):
        marks.bookmark(document.add_heading(xml_safe(section.heading), level=1), bookmark)
        for block in section.blocks:
            document.add_paragraph(xml_safe(block.label), style="Paragraph Label")
            if kind == "submission":
                _submission_block(document, marks, block)
            else:
                _compilation_block(document, marks, block, options.with_decisions)
    return finish(document, title=title, author=author, subject=version.title or version.label)


def comparison_document(context: dict):
    """Two versions compared (``wsis.drafts.comparison.comparison_context``): each paragraph of
    the newer one as the older one's words with the changes tracked, authored by the newer
    version, as the General Assembly asks of a draft based on an earlier text."""
    document = marked_document()
    _styles(document)
    marks = Marks(document)
    old, new = context["old"], context["new"]
    consultation = context["consultation"]
    author, when = new.label, new.created
    title = _("%(old)s and %(new)s compared") % {"old": old.label, "new": new.label}
    document.add_paragraph(xml_safe(consultation.title), style="Subtitle")
    document.add_paragraph(xml_safe(title), style="Title")
    legend(
        document,
        lines=[
            _(
                "What changed from %(old)s to %(new)s is shown as Word tracked changes, "
                "authored by %(new)s: accepting them all gives %(new)s, rejecting them all "
                "gives %(old)s."
            )
            % {"old": xml_safe(old.label), "new": xml_safe(new.label)}
        ],
    )
    document.add_page_break()
    sections = context["sections"]
    bookmarks = contents(document, [section["heading"] for section in sections])
    for section, bookmark in zip(sections, bookmarks, strict=True):
        marks.bookmark(document.add_heading(xml_safe(section["heading"]), level=1), bookmark)
        for row in section["rows"]:
            paragraph = row["new"] or row["old"][0]
            label = document.add_paragraph(style="Paragraph Label")
            label.add_run(xml_safe(f"{paragraph.display_label} · {row['kind_label']}"))
            text = document.add_paragraph()
            marks.tracked(text, word_diff(row["before"], row["after"], exact=True), author, when)
            if row["kind"] in ("new", "deleted"):
                op = "insert" if row["kind"] == "new" else "delete"
                marks.paragraph_mark(text, op, author, when)
    return finish(
        document,
        title=f"{consultation.title} · {title}",
        author=_("Resolution commenting"),
        subject=new.label,
    )
