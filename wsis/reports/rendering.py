"""Rendering a report to a file: PDF through WeasyPrint, DOCX through python-docx, CSV.

The worker and ``compile_report`` both call :func:`render`; the file is written next to its
destination under a temporary name and moved into place, so nobody ever sees half a file.
"""

import csv
import gc
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wsis.comments.models import Entry
from wsis.reports import part_cache
from wsis.reports.compilation import Compilation, Options, collect, entries_for
from wsis.reports.ledger import ledger_html
from wsis.reports.models import CachedPart, part_path
from wsis.reports.rolling import rolling_html, write_rolling_docx
from wsis.reports.silence import letter_html, write_letter_docx
from wsis.reports.weasy import html_document

TEMPLATES = {
    "compilation": "reports/pdf/compilation.html",
    "submission": "reports/pdf/submission.html",
}
Progress = Callable[[int], None]


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


@contextmanager
def fewer_collections(collect: bool = True):
    """WeasyPrint makes millions of small objects that live until the PDF is written: with
    Python's default thresholds the cyclic garbage collector walks them again and again, a
    large share of a render's time. While rendering, collect every 50,000 allocations instead
    of 700. The layout is cyclic garbage once written: collect it at the end, or the next
    part's would join it and raise the worker's peak memory.

    ``collect=False``: the caller collects (``gc.collect()``) when it suits it. That is slow
    after a large part, so a worker first hands its part on to the merge.
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
    html_document(html).write_pdf(target, pdf_variant="pdf/ua-1")


def in_parts(version, options: Options) -> bool:
    """Whether a compilation is laid out in parts (cached, and shared between workers):
    WeasyPrint holds a whole layout in memory, and one new proposal then lays out one part."""
    return entries_for(version, options).count() >= settings.REPORT_SPLIT_MIN_ENTRIES


def lay_out_part(
    version, options: Options, first: int, last: int, key: str, collect_garbage: bool = True
) -> CachedPart:
    """Lay out the paragraphs of orders ``first``..``last`` of a compilation into the cache of
    parts under ``key``. ``collect_garbage``: as ``fewer_collections``'s ``collect``."""
    from wsis.reports import parallel

    compilation = collect(version, options, orders=(first, last))
    with (
        write_atomically(part_path(version.pk, key)) as temporary,
        fewer_collections(collect=collect_garbage),
    ):
        laid_out = parallel.render_part(compilation, first, last, temporary)
        size = temporary.stat().st_size
    return part_cache.record(version.pk, key, laid_out, size)


def write_pdf_in_parts(
    version, options: Options, language: str, target: Path, progress: Progress
) -> None:
    """Lay out a large compilation in this process: the parts not in the cache, then the merge."""
    from wsis.reports import parallel

    compilation = collect(version, options, light=True)
    ranges = parallel.part_ranges(compilation, settings.REPORT_PART_PARAGRAPHS)
    keys = part_cache.part_keys(compilation, ranges, language)
    found = part_cache.find(keys)
    parts = zip(ranges, keys, strict=True)
    missing = [(first, last, key) for (first, last), key in parts if key not in found]
    for done, (first, last, key) in enumerate(missing, start=1):
        found[key] = lay_out_part(version, options, first, last, key)
        progress(20 + 70 * done // len(missing))
    laid_out = [(found[key].path, found[key].laid_out) for key in keys]
    with fewer_collections():
        parallel.merge(compilation, laid_out, target)
    part_cache.evict(keep=keys)


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
    options = options or Options()
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        if fmt == "pdf" and kind == "compilation" and in_parts(version, options):
            with write_atomically(out) as temporary:
                write_pdf_in_parts(version, options, language, temporary, progress)
            return out.stat().st_size
        compilation = collect(version, options, organisation)
        progress(20)
        with write_atomically(out) as temporary:
            if fmt == "pdf":
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
    """Two versions compared (the newer is ``job.version``): the PDF with the revisions' own
    print template, so that it reads like the comparison page; the Word document with the
    changes tracked."""
    from wsis.drafts.comparison import context_for_job

    progress = progress or (lambda percent: None)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        context = context_for_job(job)
        progress(35)
        with write_atomically(job.path) as temporary:
            if job.format == "docx":
                from wsis.reports.word import comparison_document

                comparison_document(context).save(temporary)
            else:
                with layout_progress(progress):
                    write_pdf(render_to_string("drafts/compare_print.html", context), temporary)
    return job.path.stat().st_size


def render_ledger(job, progress: Progress | None = None) -> int:
    """An organisation's ledger (``wsis.reports.ledger``): its lines as the ledger page
    lists them, read as the asker read them."""
    progress = progress or (lambda percent: None)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        html = ledger_html(job)
        progress(35)
        with write_atomically(job.path) as temporary, layout_progress(progress):
            write_pdf(html, temporary)
    return job.path.stat().st_size


def _render_pdf_or_docx(job, html, write_docx, progress: Progress | None) -> int:
    """A report that comes as a PDF (from ``html(job)``) or a Word document (``write_docx``)."""
    progress = progress or (lambda percent: None)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        with write_atomically(job.path) as temporary:
            if job.format == "docx":
                write_docx(job, temporary)
            else:
                text = html(job)
                progress(35)
                with layout_progress(progress):
                    write_pdf(text, temporary)
    return job.path.stat().st_size


def render_rolling(job, progress: Progress | None = None) -> int:
    """The rolling text of a version (``wsis.reports.rolling``), as a PDF or a Word document."""
    return _render_pdf_or_docx(job, rolling_html, write_rolling_docx, progress)


def render_silence_letter(job, progress: Progress | None = None) -> int:
    """The draft letter on a silence procedure (``wsis.reports.silence``), PDF or Word."""
    return _render_pdf_or_docx(job, letter_html, write_letter_docx, progress)


def render_job(job, progress: Progress | None = None) -> int:
    if job.kind == "comparison":
        return render_comparison(job, progress)
    if job.kind == "ledger":
        return render_ledger(job, progress)
    if job.kind == "rolling":
        return render_rolling(job, progress)
    if job.kind == "silence":
        return render_silence_letter(job, progress)
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
