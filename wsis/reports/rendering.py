"""Rendering a report to a file: PDF through WeasyPrint, DOCX through python-docx, CSV.

The worker and ``compile_report`` both call :func:`render`; the file is written next to its
destination under a temporary name and moved into place, so nobody ever sees half a file.
"""

import csv
import functools
import gc
import logging
import math
import os
import re
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pydyf import PDF
from weasyprint import HTML, URLFetcher

from wsis.comments.models import Entry
from wsis.reports.compilation import Compilation, Options, collect

STATIC_DIRS = [Path(d).resolve() for d in settings.STATICFILES_DIRS]
TEMPLATES = {
    "compilation": "reports/pdf/compilation.html",
    "submission": "reports/pdf/submission.html",
}
Progress = Callable[[int], None]


# More rounds of percent-encoding than this are no static file's name.
DECODING_ROUNDS = 3


def static_path(url: str) -> Path | None:
    """The static file that ``url`` names, or None if it names anything else.

    urllib decodes percent escapes when it opens a ``file:`` URL, so ``static/%2e%2e/`` passed
    a check made on the URL as written and opened the parent folder. Decode first (escapes
    encoded several times too), then resolve: what is checked is a plain path.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = parts.path
    for _round in range(DECODING_ROUNDS + 1):
        path, encoded = unquote(path), path
        if path == encoded:
            break
    else:
        return None
    if "\x00" in path:
        return None
    resolved = Path(path).resolve()
    return resolved if any(resolved.is_relative_to(root) for root in STATIC_DIRS) else None


class StaticOnlyFetcher(URLFetcher):
    """Lets WeasyPrint read the project's static files and nothing else: no network at all."""

    def fetch(self, url, headers=None):
        path = static_path(url)
        if path is None:
            raise ValueError(f"Reports fetch only the project's static files, not {url[:80]}")
        # The path that was checked, encoded afresh: nothing left for urllib to decode.
        return super().fetch(path.as_uri(), headers)


@functools.cache
def static_fetcher() -> StaticOnlyFetcher:
    """One for the process: making one loads the system's certificates (40 ms), and a merge
    lays out four documents."""
    return StaticOnlyFetcher()


def static_base_url() -> str:
    return STATIC_DIRS[0].as_uri() + "/"


def compilation_html(compilation: Compilation, kind: str) -> str:
    version = compilation.version
    consultation = version.consultation
    now = timezone.localtime(timezone.now(), consultation.tz)
    context = {
        "compilation": compilation,
        "version": version,
        "consultation": consultation,
        "organisation": compilation.organisation,
        "options": compilation.options,
        "generated": now,
        "total": sum(count for _group, _orgs, count in compilation.counts),
    }
    return render_to_string(TEMPLATES[kind], context)


def _page_references(pdf: PDF) -> tuple[bytes, ...]:
    """pydyf builds this tuple of every page's reference anew on each call, and a tagged PDF
    asks for it once per structure element: quadratic in pages (7.5 million references for a
    part of 231 pages, most of the time tagging adds). Pages are only ever appended, so build
    it again only when their number has changed."""
    kids = pdf.pages["Kids"]
    count, references = pdf.__dict__.get("_page_references", (None, ()))
    if count != len(kids):
        references = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        pdf.__dict__["_page_references"] = (len(kids), references)
    return references


PDF.page_references = property(_page_references)


@contextmanager
def fewer_collections(collect: bool = True):
    """WeasyPrint makes millions of small objects that live until the PDF is written: with
    Python's default thresholds the cyclic garbage collector walks them some 2,400 times for
    a part of 230 pages, 15 % of its time. While rendering, collect every 50,000 allocations
    instead of 700 (measured: 0.5 s of collecting instead of 2.6 to 3.7 s). The layout is
    cyclic garbage once written: collect it at the end, or the next part's would join it
    (peak memory went from 737 to 924 MB without this).

    ``collect=False``: the caller collects (``gc.collect()``) when it suits it. That takes
    about a second after a part, so a worker first hands its part on to the merge.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if collect:
            gc.collect()


@fewer_collections()
def write_pdf(html: str, target) -> None:
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=static_fetcher())
    document.write_pdf(target, pdf_variant="pdf/ua-1")


def part_size() -> int:
    return settings.REPORT_PART_MAX_ENTRIES


def parts_for(compilation: Compilation, at_least: int = 1) -> int:
    """How many parts to lay out separately: WeasyPrint holds a whole layout in memory."""
    entries = sum(count for _group, _organisations, count in compilation.counts)
    return max(at_least, math.ceil(entries / part_size()))


def write_pdf_in_parts(compilation: Compilation, target: Path, progress: Progress) -> None:
    """Lay out a large compilation part by part in this process, then merge the parts."""
    from wsis.reports import parallel

    ranges = parallel.boundaries(compilation, parts_for(compilation))
    parts = []
    try:
        for index, (first, last) in enumerate(ranges):
            path = target.with_name(f"{target.name}.{index}")
            with fewer_collections():
                parts.append((path, parallel.render_part(compilation, first, last, path)))
            progress(20 + 70 * (index + 1) // len(ranges))
        with fewer_collections():
            parallel.merge(compilation, parts, target)
    finally:
        for path, _result in parts:
            path.unlink(missing_ok=True)


def write_docx(compilation: Compilation, kind: str, target) -> None:
    from wsis.reports.word import build

    build(compilation, kind).save(target)


CSV_HEADER = [
    "paragraph",
    "section",
    "kind",
    "organisation",
    "acronym",
    "stakeholder group",
    "attribution",
    "proposed text",
    "comment or justification",
    "supporters",
    "moderation",
    "decision",
    "decision rationale",
    "submitted (UTC)",
    "entry",
]


# What the moderation column says of an entry not yet moderated, in words a reader cannot miss.
PENDING_MARK = "pending moderation"


def _cell(value) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(compilation: Compilation, target) -> None:
    with open(target, "w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        for section in compilation.sections:
            for block in section.blocks:
                for item in block.items:
                    entry: Entry = item.entry
                    writer.writerow(
                        _cell(value)
                        for value in [
                            item.label,
                            section.heading,
                            entry.kind,
                            entry.organisation.name,
                            entry.organisation.acronym,
                            entry.organisation.group.name,
                            item.attribution,
                            entry.proposed_text,
                            entry.text,
                            "; ".join(item.supporters),
                            PENDING_MARK if item.pending else entry.moderation,
                            entry.decision,
                            entry.decision_rationale,
                            entry.submitted_at.isoformat() if entry.submitted_at else "",
                            entry.pk,
                        ]
                    )


LEFTOVER_AGE = 24 * 60 * 60  # seconds: far beyond any render's time limit


def _sweep_leftovers(directory: Path) -> None:
    """Remove the temporary files of renders whose worker was killed long ago."""
    cutoff = time.time() - LEFTOVER_AGE
    for leftover in directory.glob(".*.part"):
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
        except FileNotFoundError:
            continue


@contextmanager
def write_atomically(out: Path):
    """Yield a temporary path next to ``out``; move it into place only if all went well."""
    out.parent.mkdir(parents=True, exist_ok=True)
    _sweep_leftovers(out.parent)
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    os.close(handle)
    try:
        yield Path(temporary)
        os.chmod(temporary, 0o644)
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def render(
    out: Path,
    *,
    kind: str,
    fmt: str,
    version,
    organisation=None,
    options: Options | None = None,
    language: str | None = None,
    progress: Progress | None = None,
) -> int:
    """Render a report into ``out`` atomically; returns its size in bytes."""
    progress = progress or (lambda percent: None)
    out = Path(out)
    with translation.override(language or settings.LANGUAGE_CODE):
        compilation = collect(version, options, organisation)
        progress(20)
        with write_atomically(out) as temporary:
            if fmt == "pdf" and kind == "compilation" and len(compilation.items) > part_size():
                write_pdf_in_parts(compilation, temporary, progress)
            elif fmt == "pdf":
                html = compilation_html(compilation, kind)
                progress(35)
                with layout_progress(progress):
                    write_pdf(html, temporary)
            elif fmt == "docx":
                write_docx(compilation, kind, temporary)
            elif fmt == "csv":
                write_csv(compilation, temporary)
            else:
                raise ValueError(_("Unknown format: %(format)s") % {"format": fmt})
            progress(95)
    return out.stat().st_size


def pdf_pages(path: Path) -> int:
    from pikepdf import Pdf

    with Pdf.open(path) as pdf:
        return len(pdf.pages)


PAGE_LOGGED = re.compile(r"Creating layout - Page (\d+)")


class _LayoutProgress(logging.Handler):
    """WeasyPrint logs each page it lays out; turn that into a rough percentage."""

    def __init__(self, progress: Progress):
        super().__init__()
        self.progress = progress
        self.last = 0.0

    def emit(self, record):
        found = PAGE_LOGGED.search(record.getMessage())
        if found is None or time.monotonic() - self.last < 1:
            return
        self.last = time.monotonic()
        pages = int(found.group(1))
        # The page count is unknown until the end: approach 90 % without reaching it.
        self.progress(35 + int(55 * pages / (pages + 40)))


@contextmanager
def layout_progress(progress: Progress | None):
    logger = logging.getLogger("weasyprint.progress")
    handler = _LayoutProgress(progress) if progress else None
    propagate, level = logger.propagate, logger.level
    logger.propagate = False
    logger.setLevel(logging.INFO)
    if handler:
        logger.addHandler(handler)
    try:
        yield
    finally:
        if handler:
            logger.removeHandler(handler)
        logger.propagate, logger.level = propagate, level


def render_comparison(job, progress: Progress | None = None) -> int:
    """Two versions compared (the newer is ``job.version``), with the revisions' own print
    template, so the PDF reads like the comparison page."""
    from wsis.drafts.comparison import context_for_job

    progress = progress or (lambda percent: None)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        html = render_to_string("drafts/compare_print.html", context_for_job(job))
        progress(35)
        with write_atomically(job.path) as temporary, layout_progress(progress):
            write_pdf(html, temporary)
    return job.path.stat().st_size


def render_job(job, progress: Progress | None = None) -> int:
    if job.kind == "comparison":
        return render_comparison(job, progress)
    return render(
        job.path,
        kind=job.kind,
        fmt=job.format,
        version=job.version,
        organisation=job.organisation,
        options=Options.from_dict(job.options),
        language=job.language,
        progress=progress,
    )
