import pytest

from tests.comments.markup_files import upu_docx
from tests.e2e.conftest import screenshot
from wsis.comments.models import Entry
from wsis.drafts.demo import upu_proposals

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_delegate_uploads_the_upus_copy_picks_proposals_and_sees_the_drafts(
    new_page, version, delegate_b, org_b, tmp_path
):
    copy = tmp_path / "upu-marked.docx"
    copy.write_bytes(upu_docx("hand"))
    page = new_page(delegate_b.user)
    page.goto("/c/wsis20/our-entries/")
    page.click("text=Upload our marked-up copy")
    page.set_input_files("input[name=file]", str(copy))
    page.click("button:has-text('Read the file')")
    preview = page.locator(".markup-preview")
    preview.get_by_text("5 proposals found in upu-marked.docx").wait_for()
    assert preview.locator("input[name=pick]:checked").count() == 5
    assert (
        "ensuring that digital services remain accessible"
        in preview.locator("li.kind-amendment ins").first.inner_text()
    )
    screenshot(page, "markup-preview")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "markup-preview-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    # Leave OP 76 out: it stays in the file, not among the drafts.
    page.locator("li:has(strong:text-is('OP 76')) input[name=pick]").uncheck()
    page.click("button:has-text('Make the ticked proposals drafts')")
    page.get_by_text("4 drafts made from upu-marked.docx").wait_for()
    table = page.locator("table.our-entries").inner_text()
    assert "OP 26" in table and "OP 44" in table and "OP 76" not in table
    screenshot(page, "markup-our-entries")
    wording, _notes = upu_proposals()
    drafts = Entry.objects.filter(organisation=org_b, kind="amendment")
    assert {e.paragraph.label: e.proposed_text for e in drafts} == {
        label: text for label, text in wording.items() if label != "76"
    }
    assert Entry.objects.get(kind="comment").text == (
        "possibly also in the capacity-building section, OP68 or 69"
    )
