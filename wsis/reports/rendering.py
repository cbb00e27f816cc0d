"""Rendering a report to a file: PDF through WeasyPrint, DOCX through python-docx, CSV.

The worker and ``compile_report`` both call :func:`render`; the file is written next to its
destination under a temporary name and moved into place, so nobody ever sees half a file.
"""

import csv
import logging
import os
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint import HTML, URLFetcher

from wsis.comments.models import Entry
from wsis.reports.compilation import Compilation, Options, collect

STATIC_DIRS = [Path(d).resolve() for d in settings.STATICFILES_DIRS]
TEMPLATES = {
    "compilation": "reports/pdf/compilation.html",
    "submission": "reports/pdf/submission.html",
}
Progress = Callable[[int], None]


class StaticOnlyFetcher(URLFetcher):
    """Lets WeasyPrint read the project's static files and nothing else: no network at all."""

    def fetch(self, url, headers=None):
        if not url.startswith("file://"):
            raise ValueError(f"Reports fetch only the project's static files, not {url[:80]}")
        path = Path(url.removeprefix("file://").split("?")[0]).resolve()
        if not any(path.is_relative_to(root) for root in STATIC_DIRS):
            raise ValueError(f"Reports fetch only the project's static files, not {path}")
        return super().fetch(url, headers)


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


def write_pdf(html: str, target) -> None:
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=StaticOnlyFetcher())
    document.write_pdf(target, pdf_variant="pdf/ua-1")


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
                            entry.moderation,
                            entry.decision,
                            entry.decision_rationale,
                            entry.submitted_at.isoformat() if entry.submitted_at else "",
                            entry.pk,
                        ]
                    )


@contextmanager
def write_atomically(out: Path):
    """Yield a temporary path next to ``out``; move it into place only if all went well."""
    out.parent.mkdir(parents=True, exist_ok=True)
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
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


class _LayoutProgress(logging.Handler):
    """WeasyPrint logs each page it lays out; turn that into a rough percentage."""

    def __init__(self, progress: Progress):
        super().__init__()
        self.progress = progress
        self.last = 0.0

    def emit(self, record):
        message = record.getMessage()
        if "Page" not in message or time.monotonic() - self.last < 1:
            return
        self.last = time.monotonic()
        pages = int(message.rsplit("Page", 1)[1].split()[0])
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


def render_job(job, progress: Progress | None = None) -> int:
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
