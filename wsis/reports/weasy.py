"""WeasyPrint's set-up, shared by every PDF the reports lay out (whole or in parts): what it may
fetch, where relative URLs point, and a fix to pydyf, which writes its PDF files."""

import functools
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf
from django.conf import settings
from pydyf import PDF
from weasyprint import HTML, URLFetcher

STATIC_DIRS = [Path(d).resolve() for d in settings.STATICFILES_DIRS]
# The pydyf releases whose ``PDF.page_references`` was read and found quadratic (from, up to
# and excluding): a later one may have fixed it, or laid out its page tree differently.
PYDYF_CHECKED = ((0, 11), (0, 14))


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
    """One for the process: making one loads the system's certificates, and a merge lays out
    several documents."""
    return StaticOnlyFetcher()


def static_base_url() -> str:
    return STATIC_DIRS[0].as_uri() + "/"


def html_document(html: str) -> HTML:
    return HTML(string=html, base_url=static_base_url(), url_fetcher=static_fetcher())


def _page_references(pdf: PDF) -> tuple[bytes, ...]:
    """pydyf builds this tuple of every page's reference anew on each call, and a tagged PDF
    asks for it once per structure element: quadratic in pages, most of the time tagging adds
    to a large part. Pages are only ever appended, so build it again only when their number
    has changed."""
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
