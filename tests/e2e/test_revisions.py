import pytest

from tests.comments.conftest import make_entry
from tests.drafts.conftest import REV1
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import screenshot
from wsis.comments.models import Entry
from wsis.drafts.models import Version

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_facilitator_uploads_and_publishes_rev1(
    new_page, facilitator, version, tmp_path, org_a, delegate_a
):
    # Rev.1 deletes OP 7: this proposal follows no paragraph of it.
    make_entry(
        version, org_a, delegate_a.user, label="7", text="Say who is transformed.",
        proposed_text=version.paragraphs.get(label="7").text + " for everyone",
        status=Entry.Status.SUBMITTED, moderation=Entry.Moderation.PUBLISHED,
    )  # fmt: skip
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
    outcome = page.locator("li.outcome", has_text="Kenya")
    assert outcome.locator("select").input_value() == "not_incorporated"
    # The platform's evidence is shown to the facilitator; the rationale is theirs to write.
    assert "Rev.1 deletes the paragraph." in outcome.locator(".evidence").inner_text()
    assert outcome.locator("input").input_value() == ""
    page.click("button:has-text('Confirm these outcomes')")
    assert "1 decision recorded." in page.locator(".messages").inner_text()

    # Everyone finds the entries of deleted paragraphs from the new version's reader.
    reader = new_page(bypass_csp=True)
    reader.goto("/c/wsis20/v/Rev.1/")
    reader.click("a:has-text('Entries on deleted paragraphs')")
    assert "Zero draft OP 7 (deleted)" in reader.locator("h2").first.inner_text()
    assert reader.locator("li.entry ins").inner_text() == "for everyone"
    assert "not incorporated" in reader.locator("li.entry").inner_text()
    assert_accessible(reader)
    screenshot(reader, "revisions-orphaned")

    page.goto("/c/wsis20/compare/")
    assert "Zero draft and Rev.1 compared" in page.locator("h1").inner_text()
    assert page.locator("#cmp-OP24 ins").count() >= 1
    screenshot(page, "revisions-compare")
