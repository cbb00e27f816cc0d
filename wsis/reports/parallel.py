"""A compilation rendered in parts by several workers, then merged.

The draft is cut at paragraph boundaries into parts of similar weight; each part is a PDF
without footers, laid out by its own worker (possibly on another machine). The merge renders
the cover and contents with the page numbers the parts reported, appends the parts and lays
"page X of Y" over every page. Parts are found again by paragraph order, so a part rendered
twice (redelivered) covers the same paragraphs.
"""

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
from weasyprint import HTML

from wsis.reports.compilation import Compilation, SectionBlock
from wsis.reports.rendering import static_base_url, static_fetcher


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
    return HTML(string=html, base_url=static_base_url(), url_fetcher=static_fetcher()).render()


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

    Laying out a page costs WeasyPrint milliseconds even when empty, and a merged compilation
    has a thousand pages: so the footers are laid out as lines of a few tall pages (shaped and
    translated as the rest), and one real page shows where on a page the footer's line stands.
    Where a line's digits are plain glyphs (``_numbered_from_samples``), only a line per digit
    and per length of number is laid out, and the others are written from those.
    """
    reference_path = folder / "footer.pdf"
    _document("reports/pdf/footer.html", _context(compilation)).write_pdf(reference_path)
    with Pdf.open(reference_path) as reference:
        _scale, runs = _text_runs(reference.pages[0].Contents.read_bytes())
        height = float(reference.pages[0].mediabox[3])
    baseline = runs[0][2]

    def lay_out(numbers, name: str) -> list[tuple[list, bytes, Dictionary]]:
        sheet_path = folder / name
        _document(
            "reports/pdf/footers.html", _context(compilation, pages=numbers, total_pages=total)
        ).write_pdf(sheet_path)
        # Open until ``pdf`` is saved: copied streams are read from it then.
        lines = _sheet_lines(opened.enter_context(Pdf.open(sheet_path)), pdf)
        if len(lines) != len(numbers):
            raise ValueError(f"{len(lines)} footer lines for {len(numbers)} numbers")
        return lines

    samples = [*range(10), *(10**length for length in range(1, len(str(total))))]
    lines = _numbered_from_samples(
        dict(zip(samples, lay_out(samples, "footer-samples.pdf"), strict=True)), total
    )
    if lines is None:
        lines = lay_out(range(1, total + 1), "footers.pdf")
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


SHOWN_GLYPHS = re.compile(rb"\A(/\S+ \S+ Tf\n)\[((?:<[0-9a-f]+>0)+)\] TJ\Z")


def _numbered_from_samples(samples: dict[int, tuple], total: int) -> list[tuple] | None:
    """Every page's line, from the lines of the numbers 0 to 9 and of 10, 100, ...: a number
    of the same length only changes the glyphs of its digits, when each line is one run of
    glyphs with no adjustment between them (no kerning, no ligature), as with Noto's tabular
    digits. None when the samples do not show that: then every line is laid out."""
    glyphs = {}
    for number, (runs, _scale, _resources) in samples.items():
        found = SHOWN_GLYPHS.match(runs[0][3]) if len(runs) == 1 else None
        if found is None:
            return None
        glyphs[number] = (found[1], re.findall(rb"<[0-9a-f]+>", found[2]))
    if any(len(glyphs[n][1]) != len(glyphs[0][1]) for n in range(10)):
        return None
    # Where the digits stand: the one place where the lines of 0 and 1 differ.
    zero, one = glyphs[0][1], glyphs[1][1]
    differ = [i for i, (a, b) in enumerate(zip(zero, one, strict=True)) if a != b]
    if len(differ) != 1:
        return None
    at = differ[0]
    digit = {str(n): glyphs[n][1][at] for n in range(10)}
    if len(set(digit.values())) != 10:
        return None
    lines = []
    for number in range(1, total + 1):
        written = str(number)
        sample = 10 ** (len(written) - 1)
        font, shown = glyphs[sample]
        if shown[at : at + len(written)] != [digit[c] for c in str(sample)]:
            return None
        shown = shown[:at] + [digit[c] for c in written] + shown[at + len(written) :]
        ((state, x, y, _text),), scale, resources = samples[sample]
        text = font + b"[" + b"0".join(shown) + b"0] TJ"
        lines.append(([(state, x, y, text)], scale, resources))
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
    """One structure tree for the merged file: the front's, with each part's elements added
    under its document element, and each part's keys into the parent tree moved past those
    already taken (they number each page's marked content and each link from 0)."""

    def __init__(self, pdf: Pdf):
        root = pdf.Root.StructTreeRoot
        (self.document,) = _kids(root)
        self.entries = list(_numbers(root.ParentTree))
        self.root = root

    def add(self, pdf: Pdf, part: Pdf, first_page: int) -> None:
        # Copied after the part's pages, so its elements point to the pages copied already.
        root = pdf.copy_foreign(part.Root.StructTreeRoot)
        offset = max(key for key, _value in self.entries) + 1
        for element in (kid for document in _kids(root) for kid in _kids(document)):
            element.P = self.document
            self.document.K.append(element)
        self.entries += [(key + offset, value) for key, value in _numbers(root.ParentTree)]
        for page in pdf.pages[first_page:]:
            page.StructParents = int(page.StructParents) + offset
            for annotation in page.get("/Annots", ()):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + offset

    def finish(self) -> None:
        self.entries.sort(key=lambda entry: entry[0])
        self.root.ParentTree = Dictionary(
            Nums=Array([item for key, value in self.entries for item in (key, value)])
        )
        self.root.ParentTreeNextKey = self.entries[-1][0] + 1


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
    with tempfile.TemporaryDirectory(prefix="wsis-merge-") as temporary, ExitStack() as opened:
        folder = Path(temporary)
        front_path = folder / "front.pdf"
        _front(compilation, toc).write_pdf(front_path, pdf_variant=TAGGED)
        # The front's catalogue (language, title, PDF/UA claim, tagging) is the merged file's.
        pdf = opened.enter_context(Pdf.open(front_path))
        structure = _Structure(pdf)
        # The front's destinations are stand-ins; the parts have the real ones.
        destinations = NameTree.new(pdf)
        pdf.Root.Names = Dictionary(Dests=destinations.obj)
        for path, _result in parts:
            # Open until ``pdf`` is saved: copied streams are read from the parts then.
            part = opened.enter_context(Pdf.open(path))
            first_page = len(pdf.pages)
            pdf.pages.extend(part.pages)
            structure.add(pdf, part, first_page)
            for name, destination in NameTree(part.Root.Names.Dests).items():
                destinations[name] = pdf.copy_foreign(part.make_indirect(destination))
        structure.finish()
        footers = _footers(compilation, total, folder, pdf, opened)
        _number_pages(pdf, footers)
        _add_outline(pdf, compilation, destinations)
        pdf.Root.PageMode = Name.UseOutlines
        # The objects in compressed object streams: 6 MB instead of 17 for 927 pages, and no
        # slower (qpdf's default keeps only the front's object streams).
        pdf.save(out, object_stream_mode=ObjectStreamMode.generate)
    return total
