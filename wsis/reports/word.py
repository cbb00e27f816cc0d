"""The compilation as a Word document, with real styles so that the secretariat can edit it."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from wsis.reports.compilation import Compilation, Item
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


def _table_of_contents(document):
    """A TOC field: Word fills it in (with page numbers) when the document is opened."""
    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    for kind, text in [("begin", None), (None, 'TOC \\o "1-2" \\h \\z \\u'), ("separate", None)]:
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    run.add_text(_("Right-click to update the table of contents."))
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _mark_pending(paragraph, item: Item):
    if item.pending:
        paragraph.add_run(_("pending moderation"), style="Pending Moderation")
        paragraph.add_run(" ")
    return paragraph


def _diff(paragraph, item: Item):
    for change in item.changes:
        style = {"insert": "Insertion", "delete": "Deletion"}.get(change.op)
        paragraph.add_run(xml_safe(change.text), style=style)


def _item(document, item: Item, with_decisions: bool):
    entry = item.entry
    heading = f"{item.attribution} · {entry.get_kind_display()}"
    if with_decisions and entry.decision != entry.Decision.OPEN:
        heading += " · " + _("Decision:") + " " + entry.get_decision_display()
    _mark_pending(document.add_paragraph(style="Attribution"), item).add_run(xml_safe(heading))
    if entry.is_proposal:
        _diff(document.add_paragraph(style="Proposal"), item)
    if entry.text:
        caption = _("Justification:") + " " if entry.is_proposal else ""
        document.add_paragraph(caption + xml_safe(entry.text), style="Justification")
    if item.supporters:
        document.add_paragraph(
            _("Supported by:") + " " + xml_safe("; ".join(item.supporters)),
            style="Justification",
        )
    if with_decisions and entry.decision_rationale:
        document.add_paragraph(
            _("Rationale:") + " " + xml_safe(entry.decision_rationale), style="Justification"
        )


def build(compilation: Compilation, kind: str):
    document = marked_document()
    _styles(document)
    version = compilation.version
    consultation = version.consultation
    options = compilation.options
    document.core_properties.title = xml_safe(f"{consultation.title} · {version.label}")
    document.add_paragraph(xml_safe(consultation.title), style="Subtitle")
    if kind == "submission":
        document.add_paragraph(xml_safe(version.title or version.label), style="Title")
        document.add_paragraph(
            _("With the comments and proposals of %(name)s")
            % {"name": xml_safe(compilation.organisation.attribution)}
        )
    else:
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
    document.add_paragraph(_("Contents"), style="TOC Heading")
    _table_of_contents(document)
    document.add_page_break()

    for section in compilation.sections:
        document.add_heading(xml_safe(section.heading), level=1)
        for block in section.blocks:
            document.add_paragraph(xml_safe(block.label), style="Paragraph Label")
            if kind == "submission":
                for item in block.proposals:
                    _diff(_mark_pending(document.add_paragraph(), item), item)
                    if item.entry.text:
                        document.add_paragraph(xml_safe(item.entry.text), style="Justification")
                if not block.proposals:
                    document.add_paragraph(xml_safe(block.paragraph.text))
                for item in block.comments:
                    paragraph = _mark_pending(document.add_paragraph(style="Justification"), item)
                    paragraph.add_run(_("Comment:") + " " + xml_safe(item.entry.text))
                continue
            if block.is_new:
                document.add_paragraph(
                    _("Proposed new paragraph after %(label)s.")
                    % {"label": xml_safe(block.paragraph.anchor)}
                )
            else:
                document.add_paragraph(xml_safe(block.paragraph.text))
            for group_block in block.groups:
                document.add_paragraph(xml_safe(group_block.group.name), style="Stakeholder Group")
                for item in group_block.items:
                    _item(document, item, options.with_decisions)
    return document
