"""A compilation split into parts, each rendered by its own task, then merged."""

import re

import pytest

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
        listed = int(re.search(re.escape(heading) + r"\s+(\d+)", contents).group(1))
        starts = next(
            n
            for n, page in enumerate(pages, start=1)
            if n > 2 and re.search(rf"^\s*{re.escape(heading)}\s*$", page, re.MULTILINE)
        )
        assert listed == starts, heading
