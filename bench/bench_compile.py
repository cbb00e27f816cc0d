"""Recompiling the zero draft with 5,000 proposals after one more, against a full compile.

Each compile is ``compile_report``'s render in a fresh process (``bench_reports.one_process``),
with the cache of parts in a folder of its own:

- ``compile.full``: a full compile from an empty cache (the mean of two: the first, and one of
  the same inputs as the recompile, from another empty cache);
- ``compile.recompile_after_one_change``: one new proposal, then the compile again, the other
  parts found in the cache;
- ``compile.recompile_after_one_change_vs_full``: the second over the first (target at most
  0.15);
- ``compile.identical``: whether the recompile and the full compile of the same inputs give the
  same text page by page (``pdftotext -layout``; the minute each was compiled, on the cover,
  aside) and the same bookmarks, pages and contents.
"""

import os
import random
import re
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from pikepdf import NameTree, Pdf

from bench.bench_reports import PROPOSALS, one_process, seed
from bench.scratch import drop_consultations
from bench.timing import figure
from wsis.comments.models import Entry
from wsis.embedded import database_url

# The cover says when the file was compiled, to the minute: the only text two compiles of the
# same inputs may differ by.
COMPILED_ON = re.compile(r"Compiled on .*")


def run() -> dict:
    with transaction.atomic():
        version = seed(random.Random(20))
    folder = Path(tempfile.mkdtemp())
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "wsis.settings",
        "DATABASE_URL": database_url(connection.settings_dict),
    }
    try:
        warm = env | {"MEDIA_ROOT": str(folder / "cache")}
        first, _peak = one_process(warm, folder / "first.pdf")
        add_proposal(version)
        again, _peak = one_process(warm, folder / "again.pdf")
        cold = env | {"MEDIA_ROOT": str(folder / "empty")}
        full, _peak = one_process(cold, folder / "full.pdf")
        pages, same = compare(folder / "again.pdf", folder / "full.pdf")
    finally:
        drop_consultations("bench-reports")
        shutil.rmtree(folder, ignore_errors=True)
    whole = statistics.mean([first, full])
    print(f"   (full compiles: {first:.1f} s, {full:.1f} s; recompile {again:.1f} s)", flush=True)
    return {
        "compile.full": figure(whole, "s", runs=[round(first, 1), round(full, 1)]),
        "compile.recompile_after_one_change": figure(again, "s", proposals=PROPOSALS + 1),
        "compile.recompile_after_one_change_vs_full": figure(
            again / whole, "ratio", target=0.15, over="a full compile in one process"
        ),
        "compile.identical": figure(same, "bool", pages=pages),
    }


def add_proposal(version) -> Entry:
    """One more amendment, from an organisation that has some, on a paragraph half way."""
    paragraphs = list(version.paragraphs.order_by("order"))
    paragraph = paragraphs[len(paragraphs) // 2]
    earlier = Entry.objects.filter(version=version).order_by("pk").first()
    return Entry.objects.create(
        version=version,
        paragraph=paragraph,
        organisation=earlier.organisation,
        author=earlier.author,
        kind=Entry.Kind.AMENDMENT,
        proposed_text=paragraph.text + " With one more thing, proposed late.",
        text="Sent after the others.",
        status=Entry.Status.SUBMITTED,
        moderation=Entry.Moderation.PUBLISHED,
        submitted_at=timezone.now(),
    )


def compare(one: Path, other: Path) -> tuple[int, bool]:
    """The pages of ``one``, and whether ``other`` has the same text on each, and the same
    bookmarks opening the same pages."""
    texts = [COMPILED_ON.sub("", text).split("\f") for text in map(pdf_text, (one, other))]
    return len(texts[0]) - 1, texts[0] == texts[1] and bookmarks(one) == bookmarks(other)


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def bookmarks(path: Path) -> list[tuple[str, int]]:
    with Pdf.open(path) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        names = NameTree(pdf.Root.Names.Dests)
        found = []
        with pdf.open_outline() as outline:
            for item in outline.root:
                for bookmark in [item, *item.children]:
                    target = names[str(bookmark.destination)][0].objgen
                    found.append((bookmark.title, pages[target]))
        return found
