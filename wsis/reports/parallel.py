"""A compilation rendered in parts by several workers, then merged.

The draft is cut at paragraph boundaries into parts of similar weight; each part is a PDF
without footers, laid out by its own worker (possibly on another machine). The merge renders
the cover and contents with the page numbers the parts reported, appends the parts and lays
"page X of Y" over every page. Parts are found again by paragraph order, so a part rendered
twice (redelivered) covers the same paragraphs.
"""

import re
import tempfile
from dataclasses import replace
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    Fit,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from weasyprint import HTML

from wsis.reports.compilation import Compilation, SectionBlock
from wsis.reports.rendering import StaticOnlyFetcher, static_base_url


def boundaries(compilation: Compilation, parts: int) -> list[tuple[int, int]]:
    """Inclusive ranges of paragraph order, one per part, of about equal weight."""
    blocks = [block for block in compilation.blocks if not block.is_new]
    weights = {}
    for block in compilation.blocks:
        weights[block.paragraph.order] = weights.get(block.paragraph.order, 0) + block.weight
    total = sum(weights.values())
    ranges, start, running = [], blocks[0].paragraph.order, 0
    for block in blocks:
        running += weights[block.paragraph.order]
        if len(ranges) < parts - 1 and running >= total * (len(ranges) + 1) / parts:
            ranges.append((start, block.paragraph.order))
            start = None
        elif start is None:
            start = block.paragraph.order
    if start is not None:
        ranges.append((start, blocks[-1].paragraph.order))
    return ranges


def sections_between(compilation: Compilation, first: int, last: int) -> list[SectionBlock]:
    sections, seen = [], False
    for section in compilation.sections:
        blocks = [b for b in section.blocks if first <= b.paragraph.order <= last]
        if blocks:
            continued = section.continued or section.blocks[0].paragraph.order < first
            sections.append(replace(section, blocks=blocks, continued=continued))
            seen = True
        elif seen:
            break
    return sections


def _context(compilation: Compilation, **extra) -> dict:
    version = compilation.version
    return {
        "compilation": compilation,
        "version": version,
        "consultation": version.consultation,
        "options": compilation.options,
        "generated": timezone.localtime(timezone.now(), version.consultation.tz),
        "total": sum(count for _group, _orgs, count in compilation.counts),
    } | extra


def _document(template: str, context: dict):
    html = render_to_string(template, context)
    return HTML(string=html, base_url=static_base_url(), url_fetcher=StaticOnlyFetcher()).render()


def render_part(compilation: Compilation, first: int, last: int, out: Path) -> dict:
    """Lay out one part; returns its page count and the page (from 0) each section starts on."""
    sections = sections_between(compilation, first, last)
    part = replace(compilation, sections=sections)
    document = _document("reports/pdf/part.html", _context(part))
    starts = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("section-"):
                starts.setdefault(anchor.removeprefix("section-"), number)
    document.write_pdf(out)
    return {"pages": len(document.pages), "sections": starts}


def _front(compilation: Compilation, toc: list[tuple[int, int]]):
    document = _document("reports/pdf/front.html", _context(compilation, toc_pages=toc))
    # The contents link to the sections, which are in the parts: WeasyPrint drops links to
    # anchors it cannot see, so give it stand-ins here; the merge drops them again.
    for section in compilation.sections:
        document.pages[-1].anchors.setdefault(f"section-{section.order}", (0, 0, 0, 0))
    return document


# How WeasyPrint writes a page: flip the y axis, scale CSS pixels to points, then the text
# in BT ... ET blocks (after the colour they need), each run starting with its own text matrix
# (in CSS pixels from the top left); a block's font carries over from one run to the next.
PAGE_START = re.compile(rb"\A1 0 0 -1 0 \S+ cm\nq\n(\S+ 0 0 \S+ 0 0 cm)\n")
TEXT_BLOCK = re.compile(rb"((?:[^\n]* (?:gs|rg)\n)*)BT\n(.*?)\nET\n", re.S)
TEXT_MATRIX = re.compile(rb"^1 0 0 -1 (\S+) (\S+) Tm\n", re.M)
FONT = re.compile(rb"^/\S+ \S+ Tf$", re.M)


def _text_runs(stream: bytes) -> tuple[bytes, list[tuple[bytes, bytes, float, bytes]]]:
    """The scale, and each run of text: (its colour, x, y, its operators with its font)."""
    start = PAGE_START.match(stream)
    if start is None:
        raise ValueError("Unexpected page content from WeasyPrint")
    runs = []
    for block in TEXT_BLOCK.finditer(stream, start.end()):
        state, body, font = block[1], block[2], b""
        matrices = list(TEXT_MATRIX.finditer(body))
        for matrix, following in zip(matrices, [*matrices[1:], None], strict=True):
            operators = body[matrix.end() : following.start() if following else len(body)]
            fonts = FONT.findall(operators)
            if not fonts:
                operators = font + b"\n" + operators
            font = fonts[-1] if fonts else font
            runs.append((state, matrix[1], float(matrix[2]), operators.strip(b"\n")))
    return start[1], runs


def _footers(compilation: Compilation, total: int, folder: Path) -> list[tuple[bytes, object]]:
    """The content of each page's footer, and the resources it needs (its font).

    Laying out a page costs WeasyPrint milliseconds even when empty, and a merged compilation
    has a thousand pages: so the footers are laid out as lines of a few tall pages (shaped and
    translated as the rest), and one real page shows where on a page the footer's line stands.
    """
    reference_path, sheet_path = folder / "footer.pdf", folder / "footers.pdf"
    _document("reports/pdf/footer.html", _context(compilation)).write_pdf(reference_path)
    pages = range(1, total + 1)
    sheet = _document(
        "reports/pdf/footers.html", _context(compilation, pages=pages, total_pages=total)
    )
    sheet.write_pdf(sheet_path)
    reference = PdfReader(reference_path).pages[0]
    _scale, runs = _text_runs(reference.get_contents().get_data())
    baseline = runs[0][2]
    height = float(reference.mediabox.height)
    footers = []
    for page in PdfReader(sheet_path).pages:
        scale, runs = _text_runs(page.get_contents().get_data())
        lines: list[list] = []
        for state, x, y, text in runs:
            if not lines or abs(y - lines[-1][0][2]) > 1:  # a new line (24pt apart)
                lines.append([])
            lines[-1].append((state, x, y, text))
        for line in lines:
            top = line[0][2]
            content = b"".join(
                b"q\n%sBT\n1 0 0 -1 %s %.6f Tm\n%s\nET\nQ\n" % (state, x, y - top + baseline, text)
                for state, x, y, text in line
            )
            content = b"1 0 0 -1 0 %.6f cm\nq\n%s\n%sQ\n" % (height, scale, content)
            footers.append((content, page["/Resources"]))
    if len(footers) != total:
        raise ValueError(f"{len(footers)} footer lines for {total} pages")
    return footers


def _number_pages(writer: PdfWriter, footers: list[tuple[bytes, object]]) -> None:
    """Lay each footer over a page as a form XObject: the page's own content is left as it
    is (not parsed, not decompressed), and the footer is marked as an artifact."""
    before = writer._add_object(StreamObject.initialize_from_dictionary({"__streamdata__": b"q\n"}))
    resources = {}
    for number, (page, (content, footer_resources)) in enumerate(
        zip(writer.pages, footers, strict=True), start=1
    ):
        key = id(footer_resources)
        if key not in resources:
            cloned = footer_resources.clone(writer)
            resources[key] = cloned.indirect_reference or writer._add_object(cloned)
        form = DecodedStreamObject()
        form.set_data(content)
        form[NameObject("/Type")] = NameObject("/XObject")
        form[NameObject("/Subtype")] = NameObject("/Form")
        form[NameObject("/BBox")] = page.mediabox
        form[NameObject("/Resources")] = resources[key]
        form = form.flate_encode()
        page_resources = page["/Resources"]
        if "/XObject" not in page_resources:
            page_resources[NameObject("/XObject")] = DictionaryObject()
        # One name per page: pages may share their resources.
        name = f"/PageNumber{number}"
        page_resources["/XObject"][NameObject(name)] = writer._add_object(form)
        after = StreamObject.initialize_from_dictionary(
            {"__streamdata__": f"\nQ\n/Artifact BMC q {name} Do Q EMC\n".encode()}
        )
        contents = page.get("/Contents")
        if not isinstance(contents, ArrayObject):
            contents = ArrayObject([page.raw_get("/Contents")])
        page[NameObject("/Contents")] = ArrayObject([before, *contents, writer._add_object(after)])


def _add_outline(writer: PdfWriter, compilation: Compilation) -> None:
    """Bookmarks: the sections, and under each its paragraphs, at their named destinations."""
    names = writer.get_named_dest_root()
    destinations = {str(names[i]): names[i + 1].get_object() for i in range(0, len(names), 2)}

    def add(title, anchor, parent=None):
        target = destinations.get(anchor)
        if target is None:
            return None
        fit = Fit.xyz(target[2], target[3], None) if len(target) >= 4 else Fit.fit()
        return writer.add_outline_item(title=title, page_number=target[0], parent=parent, fit=fit)

    sections = 0
    for section in compilation.sections:
        item = add(section.heading, f"section-{section.order}")
        if item is None:
            continue
        sections += 1
        paragraphs = sum(
            add(block.label, block.anchor, item) is not None for block in section.blocks
        )
        # Closed at first: a negative count is the number of items it hides.
        item.get_object()[NameObject("/Count")] = NumberObject(-paragraphs)
    if sections:
        writer.get_outline_root()[NameObject("/Count")] = NumberObject(sections)


def merge(compilation: Compilation, parts: list[tuple[Path, dict]], out: Path) -> int:
    """Cover and contents, then the parts, then the footers; returns the number of pages."""
    # The contents' length does not depend on the numbers in it: lay it out once to count.
    placeholder = [(s.order, 999) for s in compilation.sections]
    front_pages = len(_front(compilation, placeholder).pages)
    toc, offset = [], front_pages
    for _path, result in parts:
        for order, page in result["sections"].items():
            toc.append((int(order), offset + page + 1))
        offset += result["pages"]
    total = offset
    with tempfile.TemporaryDirectory(prefix="wsis-merge-") as temporary:
        folder = Path(temporary)
        front_path = folder / "front.pdf"
        front = _front(compilation, toc)
        front.write_pdf(front_path)
        footers = _footers(compilation, total, folder)
        writer = PdfWriter()
        for path, _result in parts:
            writer.append(str(path), import_outline=False)
        # The front last, put first: its links find the parts' named destinations in place.
        front_reader = PdfReader(front_path)
        front_reader.root_object.pop("/Names", None)  # the stand-in anchors
        writer.merge(0, front_reader, import_outline=False)
        _number_pages(writer, footers)
        _add_outline(writer, compilation)
        metadata = front.metadata
        writer.add_metadata(
            {
                "/Title": metadata.title or "",
                "/Author": ", ".join(metadata.authors),
                "/Creator": metadata.generator or "",
                "/Producer": "WeasyPrint, pypdf",
            }
        )
        root = writer._root_object
        root[NameObject("/Lang")] = TextStringObject(metadata.lang or "")
        root[NameObject("/ViewerPreferences")] = DictionaryObject(
            {NameObject("/DisplayDocTitle"): BooleanObject(True)}
        )
        root[NameObject("/PageMode")] = NameObject("/UseOutlines")
        writer.write(out)
    return total
