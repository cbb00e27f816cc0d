import pytest

from tests.drafts.conftest import REV1
from tests.e2e.conftest import screenshot
from wsis.drafts.models import Version

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_facilitator_uploads_and_publishes_rev1(new_page, facilitator, version, tmp_path):
    page = new_page(facilitator.user)
    page.goto("/c/wsis20/")
    page.click(".site-nav a:has-text('New version')")

    bad = tmp_path / "bad.txt"
    bad.write_text(REV1.read_text().replace("- 27. We are", "- 29. We are"))
    page.fill("#id_label", "Rev.1")
    page.set_input_files("#id_file", str(bad))
    page.click(".upload-form button")
    assert "paragraph 29 is duplicate or out of order" in page.locator(".errors").inner_text()
    assert page.input_value("#id_label") == "Rev.1"

    page.set_input_files("#id_file", str(REV1))
    page.click(".upload-form button")
    assert page.url.endswith("/c/wsis20/v/Rev.1/alignment/")
    assert page.locator(".jump li").count() == 9  # the merge is one row
    screenshot(page, "revisions-alignment")

    page.click("button:has-text('Confirm the alignment') >> nth=0")
    page.click("button:has-text('Publish Rev.1')")
    assert page.url.endswith("/c/wsis20/v/Rev.1/outcomes/")
    assert Version.objects.get(label="Rev.1").status == Version.Status.OPEN

    page.goto("/c/wsis20/compare/")
    assert "Zero draft and Rev.1 compared" in page.locator("h1").inner_text()
    assert page.locator("#cmp-OP24 ins").count() >= 1
    screenshot(page, "revisions-compare")
