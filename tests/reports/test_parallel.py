"""A compilation split into parts, each rendered by its own task, then merged."""

import re

import pytest
from pypdf import PdfReader

from tests.reports.helpers import pdf_text
from tests.reports.test_views import make_job
from wsis.celery import app
from wsis.reports.compilation import collect
from wsis.reports.parallel import boundaries
from wsis.reports.tasks import merge_report, render_part, render_report


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_SPLIT_MIN_ENTRIES = 1
    yield
    app.control.purge()  # the part and merge messages this process runs itself


def test_it_cuts_the_draft_into_contiguous_parts(version, entries):
    ranges = boundaries(collect(version), 3)
    orders = sorted(version.paragraphs.values_list("order", flat=True))
    assert len(ranges) == 3
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
    assert job.state == "done" and job.pages >= 20
    assert not any(part.path.exists() for part in parts)

    pages = pdf_text(job.path).split("\f")[: job.pages]
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of {job.pages}" in " ".join(page.split())
    text = "\f".join(pages)
    found = re.findall(r"^\s*((?:OP|PP)\w+(?: bis)?)\s*$", text, flags=re.MULTILINE)
    expected = [p.anchor for p in version.paragraphs.order_by("order")]
    expected.insert(expected.index("OP31") + 1, "OP31 bis")
    assert found == expected
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


def merged(version, facilitator):
    job = make_job(version, facilitator.user)
    render_report.apply(args=[job.pk]).get()
    for part in job.parts.order_by("index"):
        render_part.apply(args=[job.pk, part.index]).get()
    assert merge_report.apply(args=[job.pk]).get() == "done"
    job.refresh_from_db()
    return job


def test_the_contents_of_a_merged_compilation_link_to_its_sections(version, entries, facilitator):
    job = merged(version, facilitator)
    reader = PdfReader(job.path)
    contents = reader.pages[1]
    text = " ".join(pdf_text(job.path).split("\f")[1].split())
    links = [a.get_object() for a in contents.get("/Annots", [])]
    links = [a for a in links if a["/Subtype"] == "/Link"]
    headings = {s.order: s.heading for s in collect(version).sections}
    assert {str(link["/Dest"]) for link in links} == {f"section-{o}" for o in headings}
    named = reader.named_destinations
    for order, heading in headings.items():
        target = reader.get_destination_page_number(named[f"section-{order}"]) + 1
        listed = int(re.search(re.escape(heading) + r"[\s.]+(\d+)", text).group(1))
        assert target == listed > 2, heading
        page = pdf_text(job.path).split("\f")[target - 1]
        assert re.search(rf"^\s*{re.escape(heading)}\s*$", page, re.MULTILINE), heading
        # The link's rectangle is on the contents line of its section.
        rects = [link["/Rect"] for link in links if link["/Dest"] == f"section-{order}"]
        assert rects and all(float(r[2]) > float(r[0]) for r in rects)


def test_a_merged_compilation_has_bookmarks_of_its_sections_and_paragraphs(
    version, entries, facilitator
):
    job = merged(version, facilitator)
    reader = PdfReader(job.path)
    compilation = collect(version)
    outline = reader.outline
    sections = [item for item in outline if not isinstance(item, list)]
    assert [item.title for item in sections] == [s.heading for s in compilation.sections]
    children = [item for item in outline if isinstance(item, list)]
    assert len(children) == len(sections)
    assert reader.trailer["/Root"]["/Outlines"]["/Count"] == len(sections)
    for section, item, kids in zip(compilation.sections, sections, children, strict=True):
        assert [kid.title for kid in kids] == [block.label for block in section.blocks]
        assert item["/Count"] == -len(kids)  # closed, hiding its paragraphs
        page = reader.get_destination_page_number(item)
        assert section.heading in reader.pages[page].extract_text()
        for block, kid in zip(section.blocks, kids, strict=True):
            label_page = reader.pages[reader.get_destination_page_number(kid)].extract_text()
            assert block.label in label_page
    assert "OP31 bis" in [kid.title for kids in children for kid in kids]


def test_a_merged_compilation_says_what_it_is_and_claims_no_tagging(version, entries, facilitator):
    job = merged(version, facilitator)
    reader = PdfReader(job.path)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title == "Compilation of comments on the Zero draft"
    # Not a tagged PDF/UA (the parts' structure trees are not merged): it must not say it is.
    assert "/MarkInfo" not in root and "/StructTreeRoot" not in root
    # The page numbers laid over each page are marked as artifacts, not content.
    for page in reader.pages:
        last = page["/Contents"][-1].get_object().get_data()
        assert last.strip().startswith(b"Q") and b"/Artifact BMC" in last
