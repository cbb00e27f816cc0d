"""A facilitator asks for a compilation in the browser, watches it progress, downloads it.

The render runs in this process (the worker tests cover real workers); the page's htmx polling
is what is under test here.
"""

import pytest

from tests.e2e.conftest import screenshot
from tests.reports.conftest import entries, org_c, org_d  # noqa: F401 - fixtures
from wsis.celery import app
from wsis.reports.models import ReportJob
from wsis.reports.tasks import render_report

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    yield
    app.control.purge()  # the message nobody consumed in these tests


@pytest.mark.usefixtures("entries")
def test_a_facilitator_asks_for_a_compilation_and_downloads_it(new_page, facilitator, version):
    page = new_page(facilitator.user)
    page.goto("/c/wsis20/")
    page.click("text=Reports")
    page.select_option("#id_kind", "compilation")
    page.select_option("#id_format", "pdf")
    section = version.paragraphs.get(label="26").section.order
    page.select_option("#id_first_section", str(section))
    page.select_option("#id_last_section", str(section))
    screenshot(page, "reports-ask")
    page.click("button:has-text('Compile the report')")
    page.wait_for_selector("progress")
    screenshot(page, "reports-queued")
    job = ReportJob.objects.get()
    render_report.apply(args=[job.pk])
    link = page.wait_for_selector("a:has-text('Download')", timeout=20_000)
    screenshot(page, "reports-done")
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    assert open(path, "rb").read(5) == b"%PDF-"
    assert download.value.suggested_filename == "wsis20-zero-draft-compilation.pdf"
    page.goto(f"/reports/wsis20/v/{version.label}/")
    assert "Past reports" in page.content()
    screenshot(page, "reports-index")


def test_a_delegate_is_refused(new_page, delegate_a, version):
    page = new_page(delegate_a.user)
    response = page.goto("/reports/")
    assert response.status == 403
