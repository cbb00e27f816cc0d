"""The panel in a browser (#19): after saving, the outcome is said and focused beside the
entry and the paragraph's counts change without a reload; a draft is edited in place."""

import pytest

from tests.e2e.conftest import screenshot
from wsis.comments.models import Entry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def open_panel(page, anchor="OP26"):
    page.goto(f"/c/wsis20/#{anchor}")
    page.evaluate("window.notReloaded = true")
    page.click(f"#{anchor} .panel-link")
    panel = page.locator(f"#panel-{anchor}")
    panel.locator(".panel-inner").wait_for()
    return panel


def test_a_save_is_confirmed_beside_the_entry_and_the_counts_change_at_once(
    new_page, version, delegate_a
):
    page = new_page(delegate_a.user)
    panel = open_panel(page)
    assert page.locator("#OP26 .entries-bar .entry-count").count() == 0  # nothing yet
    panel.locator("details.add-comment summary").click()
    panel.locator("details.add-comment textarea[name=text]").fill("Name the groups.")
    panel.locator("details.add-comment button.primary").click()

    entry = panel.locator("li.entry").first
    status = entry.locator("[role=status]")
    status.wait_for()
    assert "Saved as a draft" in status.inner_text()
    saved = Entry.objects.get()
    assert entry.get_attribute("id") == f"entry-{saved.pk}"
    assert page.evaluate("document.activeElement.getAttribute('role')") == "status"
    assert page.evaluate("document.activeElement.closest('li').id") == f"entry-{saved.pk}"
    bar = page.locator("#OP26 .entries-bar")
    assert "1 entry" in bar.inner_text() and "1 ours · 1 draft" in bar.inner_text()
    assert page.evaluate("window.notReloaded") is True
    byline = entry.locator(".byline")
    assert "by alice (KEN)" in byline.inner_text()
    assert byline.locator("time").get_attribute("datetime").startswith(str(saved.updated.year))
    screenshot(page, "panel-after-save-1280")

    # The panel's own link (boosted) still opens it again.
    bar.locator(".panel-link").click()
    panel.locator(f"#entry-{saved.pk}").wait_for()


def test_a_draft_is_edited_in_place_and_a_conflict_keeps_what_was_typed(
    new_page, version, delegate_a, focal_a, org_a
):
    paragraph = version.paragraphs.get(label="26")
    draft = Entry.objects.create(
        version=version, paragraph=paragraph, organisation=org_a, author=delegate_a.user,
        kind=Entry.Kind.COMMENT, text="First thoughts.",
    )  # fmt: skip
    page = new_page(delegate_a.user, viewport=PHONE)
    panel = open_panel(page)
    item = panel.locator(f"#entry-{draft.pk}")
    item.locator(".edit-in-place").click()
    text = item.locator("textarea[name=text]")
    text.wait_for()
    assert text.input_value() == "First thoughts."
    assert page.url.endswith("/c/wsis20/#OP26")
    screenshot(page, "panel-edit-in-place-390")
    text.fill("Second thoughts.")
    item.locator("button.primary").click()
    item.locator("[role=status]").wait_for()
    assert "Draft saved." in item.inner_text() and "Second thoughts." in item.inner_text()
    assert item.locator("textarea").count() == 0
    draft.refresh_from_db()
    assert draft.text == "Second thoughts."
    assert page.evaluate("window.notReloaded") is True

    # The focal point saves while the delegate edits again: nothing the delegate typed is lost.
    item.locator(".edit-in-place").click()
    item.locator("textarea[name=text]").fill("Third thoughts, Alice's.")
    other = new_page(focal_a.user)
    other.goto(f"/entries/{draft.pk}/")
    other.fill("#id_text", "The focal point's thoughts.")
    other.click("form.entry-form button.primary")
    other.get_by_text("Draft saved.").wait_for()
    item.locator("button.primary").click()
    item.locator(".conflict").wait_for()
    assert item.locator("textarea[name=text]").input_value() == "Third thoughts, Alice's."
    assert "The focal point's thoughts." in item.locator(".conflict").inner_text()
    draft.refresh_from_db()
    assert draft.text == "The focal point's thoughts."
    item.locator("button.primary").click()  # "Save my text over theirs"
    item.get_by_text("Draft saved.").wait_for()
    draft.refresh_from_db()
    assert draft.text == "Third thoughts, Alice's."
