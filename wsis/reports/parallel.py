"""A compilation rendered in parts by several workers, then merged.

The draft is cut into parts at boundaries that depend on its paragraphs alone (``part_ranges``);
each part is a PDF without footers, laid out by its own worker (possibly on another machine) or
found in the cache of parts (``part_cache``), as the inputs of all but one part are the same
after one new entry. Once the last part is there, the merge renders the cover and contents with
the page numbers the parts reported, appends the parts and lays "page X of Y" over every page:
nothing in a part depends on where it ends up.
"""

import math
import re
import tempfile
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from pikepdf import (
    Array,
    Dictionary,
    Name,
    NameTree,
    ObjectStreamMode,
    OutlineItem,
    Pdf,
    Stream,
)

from wsis.reports.compilation import Compilation, SectionBlock
from wsis.reports.weasy import html_document


def part_ranges(compilation: Compilation, size: int) -> list[tuple[int, int]]:
    """Inclusive ranges of paragraph order, one per part: whole sections together, up to
    ``size`` paragraphs, and a longer section cut into near-equal groups of at most ``size``.

    They follow from the paragraphs alone, never from the entries: a new entry changes the
    inputs of one part, and the others are found again in the cache (``part_cache``)."""
    ranges: list[tuple[int, int]] = []
    gathered: list[int] = []  # the orders of the part being filled with whole sections
    for section in compilation.sections:
        orders = [block.paragraph.order for block in section.blocks if not block.is_new]
        if gathered and len(gathered) + len(orders) > size:
            ranges.append((gathered[0], gathered[-1]))
            gathered = []
        if len(orders) <= size:
            gathered += orders
            continue
        groups = math.ceil(len(orders) / size)
        for group in range(groups):
            cut = orders[len(orders) * group // groups : len(orders) * (group + 1) // groups]
            ranges.append((cut[0], cut[-1]))
    if gathered:
        ranges.append((gathered[0], gathered[-1]))
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


# The parts and the front are tagged as a whole compilation is; the merge joins their
# structure trees into one.
TAGGED = "pdf/ua-1"


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
    return html_document(html).render()


def render_part(compilation: Compilation, first: int, last: int, out: Path) -> dict:
    """Lay out one part; returns its page count and the page (from 0) each section starts on.

    Call it, and ``merge``, inside ``fewer_collections``."""
    sections = sections_between(compilation, first, last)
    part = replace(compilation, sections=sections)
    document = _document("reports/pdf/part.html", _context(part))
    starts = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("section-"):
                starts.setdefault(anchor.removeprefix("section-"), number)
    document.write_pdf(out, pdf_variant=TAGGED)
    return {"pages": len(document.pages), "sections": starts}


def _front(compilation: Compilation, toc: list[tuple[int, int]]):
    document = _document("reports/pdf/front.html", _context(compilation, toc_pages=toc))
    # The contents link to the sections, which are in the parts: WeasyPrint drops links to
    # anchors it cannot see, so give it stand-ins here; the merge drops them again.
    for section in compilation.sections:
        document.pages[-1].anchors.setdefault(f"section-{section.order}", (0, 0, 0, 0))
    return document


# The front's pages as first guessed: the cover and a page of contents. The contents give
# page numbers that depend on the front's own length, so its layout checks the guess.
FRONT_PAGES = 2


def _settled_front(compilation: Compilation, parts: list[dict]):
    """The cover and contents, giving the page (from 1) each section starts on once they are
    in front of the parts."""
    front_pages = FRONT_PAGES
    for _attempt in range(3):
        toc, offset = [], front_pages
        for part in parts:
            toc += [(int(order), offset + page + 1) for order, page in part["sections"].items()]
            offset += part["pages"]
        document = _front(compilation, toc)
        if len(document.pages) == front_pages:
            return document
        # A longer contents than guessed, or numbers wider than guessed wrapped a line.
        front_pages = len(document.pages)
    raise ValueError("The contents do not settle on a number of pages")


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


def _footers(compilation: Compilation, total: int, folder: Path, pdf: Pdf, opened) -> list:
    """The content of each page's footer, and the resources it needs (its font) in ``pdf``.

    Laying out a page costs WeasyPrint about as much empty as full, and a merged compilation
    has a thousand pages: a blank page with the stylesheet's own footer for each would take
    longer than the rest of the merge. So the footers are laid out as lines of a few tall pages
    (shaped and translated as the rest) and cut apart, and one real page shows where on a page
    the footer's line stands.
    """
    reference_path = folder / "footer.pdf"
    _document("reports/pdf/footer.html", _context(compilation)).write_pdf(reference_path)
    with Pdf.open(reference_path) as reference:
        _scale, runs = _text_runs(reference.pages[0].Contents.read_bytes())
        height = float(reference.pages[0].mediabox[3])
    baseline = runs[0][2]

    sheet_path = folder / "footers.pdf"
    numbers = range(1, total + 1)
    _document(
        "reports/pdf/footers.html", _context(compilation, pages=numbers, total_pages=total)
    ).write_pdf(sheet_path)
    # Open until ``pdf`` is saved: copied streams are read from it then.
    lines = _sheet_lines(opened.enter_context(Pdf.open(sheet_path)), pdf)
    if len(lines) != total:
        raise ValueError(f"{len(lines)} footer lines for {total} pages")
    footers = []
    for runs, scale, resources in lines:
        top = runs[0][2]
        content = b"".join(
            b"q\n%sBT\n1 0 0 -1 %s %.6f Tm\n%s\nET\nQ\n" % (state, x, y - top + baseline, text)
            for state, x, y, text in runs
        )
        footers.append((b"1 0 0 -1 0 %.6f cm\nq\n%s\n%sQ\n" % (height, scale, content), resources))
    return footers


def _sheet_lines(sheet: Pdf, pdf: Pdf) -> list[tuple[list, bytes, Dictionary]]:
    """The lines laid out on the sheet: each its text runs, the scale of its page and the
    page's resources copied into ``pdf``."""
    lines: list[tuple[list, bytes, Dictionary]] = []
    for page in sheet.pages:
        scale, runs = _text_runs(page.Contents.read_bytes())
        resources = pdf.copy_foreign(page.Resources)
        top = None
        for state, x, y, text in runs:
            if top is None or abs(y - top) > 1:  # a new line (24pt apart)
                lines.append(([], scale, resources))
                top = y
            lines[-1][0].append((state, x, y, text))
    return lines


def _number_pages(pdf: Pdf, footers: list[tuple[bytes, Dictionary]]) -> None:
    """Lay each footer over a page as a form XObject: the page's own content is left as it
    is (not parsed, not decompressed), and the footer is marked as an artifact."""
    before = pdf.make_indirect(Stream(pdf, b"q\n"))
    for number, (page, (content, resources)) in enumerate(
        zip(pdf.pages, footers, strict=True), start=1
    ):
        form = Stream(pdf, content)
        form.Type, form.Subtype = Name.XObject, Name.Form
        form.BBox, form.Resources = page.mediabox, resources
        # One name per page: pages may share their resources.
        name = Name(f"/PageNumber{number}")
        page.add_resource(pdf.make_indirect(form), Name.XObject, name)
        page.contents_add(before, prepend=True)
        page.contents_add(b"\nQ\n/Artifact BMC q %s Do Q EMC\n" % str(name).encode())


def _numbers(tree: Dictionary):
    """The (key, value) pairs of a number tree, such as a structure tree's parent tree."""
    nums = tree.get("/Nums", ())
    for index in range(0, len(nums), 2):
        yield int(nums[index]), nums[index + 1]
    for kid in tree.get("/Kids", ()):
        yield from _numbers(kid)


def _kids(element) -> list:
    kids = element.get("/K", ())
    return list(kids) if isinstance(kids, Array) else [kids]


class _Structure:
    """One structure tree for the merged file. Each file numbers its pages' marked content and
    its links from 0 in its parent tree: as they are added (the parts in order, the front
    last), their keys are moved past those already taken. The parts' elements then go under
    the front's document element, in the order of the parts."""

    def __init__(self):
        # Keys only grow as files are added: the entries stay in the order of their keys.
        self.entries: list[tuple[int, object]] = []
        self.next_key = 0
        self.elements: list = []  # the parts' top elements, in order

    def _add(self, pdf: Pdf, source: Pdf, pages) -> Dictionary:
        # Copied after the source's pages, so its elements point to the pages copied already.
        root = pdf.copy_foreign(source.Root.StructTreeRoot)
        offset = self.next_key
        entries = [(key + offset, value) for key, value in _numbers(root.ParentTree)]
        self.entries += entries
        self.next_key = max([offset, *(key + 1 for key, _value in entries)])
        for page in pages:
            page.StructParents = int(page.StructParents) + offset
            for annotation in page.get("/Annots", ()):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + offset
        return root

    def add_part(self, pdf: Pdf, part: Pdf, pages) -> None:
        root = self._add(pdf, part, pages)
        self.elements += [kid for document in _kids(root) for kid in _kids(document)]

    def finish(self, pdf: Pdf, front: Pdf, pages) -> None:
        root = self._add(pdf, front, pages)
        (document,) = _kids(root)
        for element in self.elements:
            element.P = document
            document.K.append(element)
        root.ParentTree = Dictionary(
            Nums=Array([item for key, value in self.entries for item in (key, value)])
        )
        root.ParentTreeNextKey = self.next_key
        pdf.Root.StructTreeRoot = root


def _add_outline(pdf: Pdf, compilation: Compilation, destinations: NameTree) -> None:
    """Bookmarks: the sections, and under each its paragraphs, at their named destinations;
    closed at first, so a reader sees the sections."""
    with pdf.open_outline() as outline:
        outline.root.clear()
        for section in compilation.sections:
            anchor = f"section-{section.order}"
            if anchor not in destinations:
                continue
            item = OutlineItem(section.heading, anchor)
            item.children = [
                OutlineItem(block.label, block.anchor)
                for block in section.blocks
                if block.anchor in destinations
            ]
            item.is_closed = True
            outline.root.append(item)


# What the merged file takes from the front's catalogue, besides its structure tree: the
# language, the title shown, the PDF/UA claim (in the metadata) and the mark of a tagged file.
CATALOGUE = ("/Lang", "/Metadata", "/MarkInfo", "/ViewerPreferences")


def merge(compilation: Compilation, parts: list[tuple[Path, dict]], out: Path) -> int:
    """The cover and contents, then the parts (``render_part``'s files and results) in order,
    then "page X of Y" over every page; saves to ``out`` and returns the number of pages."""
    with ExitStack() as opened:
        # Every file stays open until ``pdf`` is saved: copied streams are read from them then.
        folder = Path(opened.enter_context(tempfile.TemporaryDirectory(prefix="wsis-merge-")))
        pdf = opened.enter_context(Pdf.new())
        structure = _Structure()
        destinations = NameTree.new(pdf)
        for path, _result in parts:
            part = opened.enter_context(Pdf.open(path))
            at = len(pdf.pages)
            pdf.pages.extend(part.pages)
            structure.add_part(pdf, part, pdf.pages[at:])
            for name, destination in NameTree(part.Root.Names.Dests).items():
                destinations[name] = pdf.copy_foreign(part.make_indirect(destination))

        _settled_front(compilation, [result for _path, result in parts]).write_pdf(
            folder / "front.pdf", pdf_variant=TAGGED
        )
        front = opened.enter_context(Pdf.open(folder / "front.pdf"))
        pdf.pages[0:0] = front.pages
        structure.finish(pdf, front, pdf.pages[: len(front.pages)])
        for key in CATALOGUE:
            pdf.Root[key] = pdf.copy_foreign(front.make_indirect(front.Root[key]))
        pdf.trailer.Info = pdf.copy_foreign(front.make_indirect(front.trailer.Info))
        # The front's destinations are stand-ins; the parts have the real ones.
        pdf.Root.Names = Dictionary(Dests=destinations.obj)

        total = len(pdf.pages)
        _number_pages(pdf, _footers(compilation, total, folder, pdf, opened))
        _add_outline(pdf, compilation, destinations)
        pdf.Root.PageMode = Name.UseOutlines
        # The objects in compressed object streams: a much smaller file, written as fast
        # (qpdf's default keeps only the front's object streams).
        pdf.save(out, object_stream_mode=ObjectStreamMode.generate, min_version=front.pdf_version)
        return total
