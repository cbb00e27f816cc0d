"""A compilation rendered in parts by several workers, then merged.

The draft is cut at paragraph boundaries into parts of similar weight; each part is a PDF
without footers, laid out by its own worker (possibly on another machine). The merge renders
the cover and contents with the page numbers the parts reported, appends the parts and lays
"page X of Y" over every page. Parts are found again by paragraph order, so a part rendered
twice (redelivered) covers the same paragraphs.
"""

from dataclasses import replace
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from wsis.reports.compilation import Compilation, SectionBlock
from wsis.reports.rendering import StaticOnlyFetcher, static_base_url


def _weight(block) -> int:
    return 2 + sum(3 + len(item.entry.proposed_text) // 400 for item in block.items)


def boundaries(compilation: Compilation, parts: int) -> list[tuple[int, int]]:
    """Inclusive ranges of paragraph order, one per part, of about equal weight."""
    blocks = [block for block in compilation.blocks if not block.is_new]
    weights = {}
    for block in compilation.blocks:
        weights[block.paragraph.order] = weights.get(block.paragraph.order, 0) + _weight(block)
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
            continued = section.blocks[0].paragraph.order < first
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


def merge(compilation: Compilation, parts: list[tuple[Path, dict]], out: Path) -> int:
    """Cover and contents, then the parts, then the footers; returns the number of pages."""

    def front(toc):
        return _document("reports/pdf/front.html", _context(compilation, toc_pages=toc))

    # The contents' length does not depend on the numbers in it: lay it out once to count.
    offset, placeholder = 0, [(s.order, 999) for s in compilation.sections]
    front_pages = len(front(placeholder).pages)
    toc, offset = [], front_pages
    for _path, result in parts:
        for order, page in result["sections"].items():
            toc.append((int(order), offset + page + 1))
        offset += result["pages"]
    total = offset
    front_path = out.with_suffix(".front.pdf")
    front(toc).write_pdf(front_path)

    footers_path = out.with_suffix(".footers.pdf")
    _document("reports/pdf/footers.html", _context(compilation, pages=range(total))).write_pdf(
        footers_path
    )
    writer = PdfWriter()
    for path in [front_path] + [path for path, _result in parts]:
        writer.append(str(path))
    for page, footer in zip(writer.pages, PdfReader(footers_path).pages, strict=True):
        page.merge_page(footer)
    writer.write(out)
    front_path.unlink()
    footers_path.unlink()
    return total
