"""WeasyPrint's set-up, shared by every PDF the reports lay out (whole or in parts): what it may
fetch, where relative URLs point, and a fix to pydyf, which writes its PDF files."""

import functools
from pathlib import Path

import pydyf
from django.conf import settings
from pydyf import PDF
from weasyprint import HTML, URLFetcher

STATIC_DIRS = [Path(d).resolve() for d in settings.STATICFILES_DIRS]
# The pydyf releases whose ``PDF.page_references`` was read and found quadratic (from, up to
# and excluding): a later one may have fixed it, or laid out its page tree differently.
PYDYF_CHECKED = ((0, 11), (0, 14))


class StaticOnlyFetcher(URLFetcher):
    """Lets WeasyPrint read the project's static files and nothing else: no network at all."""

    def fetch(self, url, headers=None):
        if not url.startswith("file://"):
            raise ValueError(f"Reports fetch only the project's static files, not {url[:80]}")
        path = Path(url.removeprefix("file://").split("?")[0]).resolve()
        if not any(path.is_relative_to(root) for root in STATIC_DIRS):
            raise ValueError(f"Reports fetch only the project's static files, not {path}")
        return super().fetch(url, headers)


@functools.cache
def static_fetcher() -> StaticOnlyFetcher:
    """One for the process: making one loads the system's certificates (40 ms), and a merge
    lays out four documents."""
    return StaticOnlyFetcher()


def static_base_url() -> str:
    return STATIC_DIRS[0].as_uri() + "/"


def html_document(html: str) -> HTML:
    return HTML(string=html, base_url=static_base_url(), url_fetcher=static_fetcher())


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


def fix_pydyf(version: str = pydyf.__version__) -> bool:
    """Build pydyf's page references once per page count, on the releases known to need it
    (``ReportsConfig.ready``). Returns whether it did."""
    release = tuple(int(part) for part in version.split(".")[:2])
    if not PYDYF_CHECKED[0] <= release < PYDYF_CHECKED[1]:
        return False
    PDF.page_references = property(_page_references)
    return True
