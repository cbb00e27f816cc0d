"""A compilation split into parts, each rendered by its own task, then merged."""

import re

import pytest
from pikepdf import NameTree, Pdf

from tests.conftest import open_version, parsed, shortened
from tests.reports.helpers import assert_tagged, pdf_text
from tests.reports.test_views import make_job
from wsis.celery import app
from wsis.drafts.demo import ZERO_DRAFT
from wsis.reports import parallel
from wsis.reports.compilation import collect
from wsis.reports.models import CachedPart, part_path
from wsis.reports.parallel import part_ranges
from wsis.reports.rendering import pdf_pages
from wsis.reports.tasks import merge_report, render_part, render_report

# Four of the zero draft's sections, four paragraphs of each and those the entries are on:
# cutting, merging, numbering and tagging do not depend on the length, but reading the structure
# back does, badly. poppler's ``pdfinfo -struct-text`` parses a page once for each marked
# content on it, and each dot of the contents' leaders is one: with the 18 sections of the
# whole draft, the contents page alone took it 35 to 60 s a test.
SECTIONS = (
    "Preamble",
    "Bridging digital divides",
    "Internet governance",
    "Follow-up and review",
)


@pytest.fixture
def version(consultation):
    return open_version(consultation, shortened(parsed(ZERO_DRAFT), SECTIONS, per_section=4))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_SPLIT_MIN_ENTRIES = 1
    settings.REPORT_PART_PARAGRAPHS = 11  # the short draft's 4 + 7 + 4 + 4 paragraphs: two parts
    yield
    app.control.purge()  # the part and merge messages this process runs itself


def test_it_cuts_the_draft_into_contiguous_parts(version, entries):
    ranges = part_ranges(collect(version), 4)
    orders = sorted(version.paragraphs.values_list("order", flat=True))
    assert len(ranges) == 5  # the section of seven paragraphs in two parts
    assert ranges[0][0] == orders[0] and ranges[-1][1] == orders[-1]
    assert all(a[1] + 1 == b[0] for a, b in zip(ranges, ranges[1:], strict=False))


def test_parts_rendered_separately_merge_into_one_numbered_document(
    version, entries, facilitator, django_capture_on_commit_callbacks
):
    job = make_job(version, facilitator.user)
    assert render_report.apply(args=[job.pk]).get() == "split"
    parts = list(job.parts.order_by("index"))
    assert len(parts) == 2
    with django_capture_on_commit_callbacks() as merges:
        for part in parts:
            assert render_part.apply(args=[job.pk, part.index]).get() == "done"
    assert len(merges) == 1  # asked by the last part to finish
    assert render_part.apply(args=[job.pk, 0]).get() == "done already"
    assert merge_report.apply(args=[job.pk]).get() == "done"
    assert merge_report.apply(args=[job.pk]).get() == "done already"
    job.refresh_from_db()
    # The front's two pages, then the parts', several pages each.
    assert job.state == "done" and job.pages == pdf_pages(job.path) > 2 + len(parts)
    # The parts stay in the cache, for the next compilation of the version.
    assert all(part_path(version.pk, part.key).exists() for part in parts)
    # Most of its objects packed in compressed object streams (a third of the size for 927
    # pages): those written on their own are the streams (pages' content, fonts).
    with Pdf.open(job.path) as pdf:
        objects = len(pdf.objects)
    assert job.path.read_bytes().count(b" 0 obj") < objects / 2

    assert_numbered_compilation(job.path, job.pages, version)


def expected_labels(version) -> list[str]:
    """The paragraphs' labels in document order, with the new paragraph proposed after OP31."""
    labels = [p.anchor for p in version.paragraphs.order_by("order")]
    labels.insert(labels.index("OP31") + 1, "OP31 bis")
    return labels


def assert_numbered_compilation(path, total, version):
    """Every page numbered out of ``total``, every paragraph label in order, and the contents
    giving the page each section starts on, across the parts."""
    pages = pdf_text(path).split("\f")[:total]
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of {total}" in " ".join(page.split())
    text = "\f".join(pages)
    found = re.findall(r"^\s*((?:OP|PP)\w+(?: bis)?)\s*$", text, flags=re.MULTILINE)
    assert found == expected_labels(version)
    # The contents give the page each section starts on, across the parts.
    contents = pages[1]
    for heading in ["Bridging digital divides", "Internet governance", "Follow-up and review"]:
        listed = int(re.search(re.escape(heading) + r"[\s.]+(\d+)", contents).group(1))
        starts = next(
            n
            for n, page in enumerate(pages, start=1)
            if n > 2 and re.search(rf"^\s*{re.escape(heading)}\s*$", page, re.MULTILINE)
        )
        assert listed == starts, heading


def test_workers_collect_the_layout_s_garbage_only_once_they_have_handed_on_their_work(
    version, entries, facilitator, monkeypatch, django_capture_on_commit_callbacks
):
    import gc

    from django.db import connection

    from wsis.reports.models import ReportJob

    job = make_job(version, facilitator.user)
    render_report.apply(args=[job.pk]).get()
    thresholds = gc.get_threshold()
    seen = []
    with django_capture_on_commit_callbacks():
        pending = len(connection.run_on_commit)  # the fixtures' own

        def collect(*args):
            # What another worker could see when this one starts collecting (a second): the
            # parts marked done, the merge asked for (on commit), the job's state.
            done = sorted(job.parts.filter(done=True).values_list("index", flat=True))
            asked = len(connection.run_on_commit) - pending
            seen.append((done, asked, ReportJob.objects.get(pk=job.pk).state))

        monkeypatch.setattr(gc, "collect", collect)
        for part in job.parts.order_by("index"):
            render_part.apply(args=[job.pk, part.index]).get()
        assert seen == [([0], 0, "rendering"), ([0, 1], 1, "rendering")]
        merge_report.apply(args=[job.pk]).get()
    assert seen[2:] == [([0, 1], 1, "done")]
    assert gc.get_threshold() == thresholds


def merged(version, facilitator):
    job = make_job(version, facilitator.user)
    render_report.apply(args=[job.pk]).get()
    for part in job.parts.order_by("index"):
        render_part.apply(args=[job.pk, part.index]).get()
    assert merge_report.apply(args=[job.pk]).get() == "done"
    job.refresh_from_db()
    return job


def destination_page(pdf: Pdf, name: str) -> int:
    """The page (from 1) a named destination points to."""
    target = NameTree(pdf.Root.Names.Dests)[str(name)][0]
    return next(n for n, page in enumerate(pdf.pages, start=1) if page.objgen == target.objgen)


def test_the_contents_of_a_merged_compilation_link_to_its_sections(version, entries, facilitator):
    job = merged(version, facilitator)
    pages = pdf_text(job.path).split("\f")
    text = " ".join(pages[1].split())
    headings = {s.order: s.heading for s in collect(version).sections}
    with Pdf.open(job.path) as pdf:
        links = [a for a in pdf.pages[1].get("/Annots", ()) if a.Subtype == "/Link"]
        assert {str(link.Dest) for link in links} == {f"section-{o}" for o in headings}
        for order, heading in headings.items():
            target = destination_page(pdf, f"section-{order}")
            listed = int(re.search(re.escape(heading) + r"[\s.]+(\d+)", text).group(1))
            assert target == listed > 2, heading
            assert re.search(rf"^\s*{re.escape(heading)}\s*$", pages[target - 1], re.M), heading
            # The link's rectangle is on the contents line of its section.
            rects = [link.Rect for link in links if str(link.Dest) == f"section-{order}"]
            assert rects and all(float(r[2]) > float(r[0]) for r in rects)


def test_a_merged_compilation_has_bookmarks_of_its_sections_and_paragraphs(
    version, entries, facilitator
):
    job = merged(version, facilitator)
    compilation = collect(version)
    pages = [" ".join(page.split()) for page in pdf_text(job.path).split("\f")]
    with Pdf.open(job.path) as pdf:
        assert pdf.Root.PageMode == "/UseOutlines"
        # Closed: the reader first sees the sections, each hiding its paragraphs.
        assert pdf.Root.Outlines.Count == len(compilation.sections)
        with pdf.open_outline() as outline:
            sections = outline.root
            assert [item.title for item in sections] == [s.heading for s in compilation.sections]
            for section, item in zip(compilation.sections, sections, strict=True):
                assert item.is_closed and item.obj.Count == -len(item.children)
                assert section.heading in pages[destination_page(pdf, item.destination) - 1]
                assert [kid.title for kid in item.children] == [b.label for b in section.blocks]
                for kid in item.children:
                    assert kid.title in pages[destination_page(pdf, kid.destination) - 1]
            assert "OP31 bis" in [kid.title for item in sections for kid in item.children]


def test_a_merged_compilation_is_tagged_as_one_document(version, entries, facilitator):
    job = merged(version, facilitator)
    with Pdf.open(job.path) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert str(pdf.docinfo.Title) == "Compilation of comments on the Zero draft"
        # The page numbers laid over each page are marked as artifacts, not content.
        for page in pdf.pages:
            last = page.obj.Contents[-1].read_bytes()
            assert last.strip().startswith(b"Q") and b"/Artifact BMC" in last
    # One structure tree across the front and the parts, in reading order: the cover, the
    # contents, then every paragraph label in document order.
    structure = assert_tagged(job.path)
    found = re.findall(r'^\s*"((?:OP|PP)\w+(?: bis)?)\s*"$', structure, flags=re.M)
    assert found == expected_labels(version)
    assert structure.index("Compilation of comments and proposals") < structure.index('"PPA')


def test_a_single_compilation_is_tagged_too(version, entries, facilitator, settings):
    settings.REPORT_SPLIT_MIN_ENTRIES = 10_000
    job = make_job(version, facilitator.user)
    assert render_report.apply(args=[job.pk]).get() == "done"
    job.refresh_from_db()
    structure = assert_tagged(job.path)
    assert '"OP31 bis' in structure


def split(version, facilitator):
    """A job cut into its two parts, none rendered yet."""
    job = make_job(version, facilitator.user)
    assert render_report.apply(args=[job.pk]).get() == "split"
    return job, list(job.parts.order_by("index"))


def half_done(version, facilitator):
    """A job cut into two parts, the first one rendered; and the second part."""
    job, (first, second) = split(version, facilitator)
    render_part.apply(args=[job.pk, first.index]).get()
    return job, second


def test_parts_merge_in_order_behind_a_front_whose_length_was_guessed_wrong(
    version, entries, facilitator, tmp_path, monkeypatch
):
    job, parts = split(version, facilitator)
    for part in parts:
        render_part.apply(args=[job.pk, part.index]).get()
    cached = [CachedPart.objects.get(key=part.key) for part in parts]
    # A count of the contents' pages that the real numbers do not bear out is corrected.
    monkeypatch.setattr(parallel, "FRONT_PAGES", parallel.FRONT_PAGES + 1)
    laid_out = [(part.path, part.laid_out) for part in cached]
    total = parallel.merge(collect(version, light=True), laid_out, tmp_path / "merged.pdf")
    assert total == 2 + sum(part.pages for part in cached)
    assert_numbered_compilation(tmp_path / "merged.pdf", total, version)
    structure = assert_tagged(tmp_path / "merged.pdf")
    labels = re.findall(r'^\s*"((?:OP|PP)\w+(?: bis)?)\s*"$', structure, flags=re.M)
    assert labels == expected_labels(version)


def test_a_merge_asked_before_the_last_part_is_done_leaves_the_job_to_that_part(
    version, entries, facilitator, django_capture_on_commit_callbacks
):
    job, second = half_done(version, facilitator)
    assert merge_report.apply(args=[job.pk]).get() == "waiting for parts"
    job.refresh_from_db()
    assert job.state == "rendering" and not job.path.exists()
    with django_capture_on_commit_callbacks() as merges:
        assert render_part.apply(args=[job.pk, second.index]).get() == "done"
    assert len(merges) == 1
    assert merge_report.apply(args=[job.pk]).get() == "done"


def test_the_parts_and_merge_of_a_deleted_job_stop(version, entries, facilitator):
    assert merge_report.apply(args=[987654]).get() == "gone"
    job, second = half_done(version, facilitator)
    job_pk = job.pk
    job.delete()
    assert render_part.apply(args=[job_pk, second.index]).get() == "gone"
    assert merge_report.apply(args=[job_pk]).get() == "gone"


def test_a_part_whose_file_is_gone_is_laid_out_again(version, entries, facilitator, monkeypatch):
    job, parts = split(version, facilitator)
    for part in parts:
        render_part.apply(args=[job.pk, part.index]).get()
    part_path(version.pk, parts[0].key).unlink()
    asked = []
    monkeypatch.setattr(render_part, "apply_async", lambda args: asked.append(args))
    assert merge_report.apply(args=[job.pk]).get() == "parts missing"
    assert asked == [(job.pk, 0)]
    parts[0].refresh_from_db()
    assert not parts[0].done
    assert render_part.apply(args=[job.pk, 0]).get() == "done"
    assert merge_report.apply(args=[job.pk]).get() == "done"
