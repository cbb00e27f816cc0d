"""Hostile strings typed into the browser's text fields show as typed and run nothing."""

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.test_security import HOSTILE
from wsis.comments.models import Entry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_hostile_comments_and_amendments_show_as_typed(new_page, version, delegate_a):
    page = new_page(delegate_a.user)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/c/wsis20/")
    page.click("#OP26 .panel-link")
    panel = page.locator("#panel-OP26")
    for text in HOSTILE:
        # After a save the panel is swapped in again; open the form whatever state it kept.
        panel.locator("details.add-comment").evaluate("details => { details.open = true; }")
        panel.locator("details.add-comment textarea[name=text]").fill(f"Note: {text}")
        panel.locator("details.add-comment button.primary").click()
        # Wait for the swapped-in panel that lists it, before typing the next one.
        panel.locator("li.entry", has_text=f"Note: {text}").wait_for()
    panel.locator("details.add-amendment").evaluate("details => { details.open = true; }")
    wording = panel.locator("details.add-amendment textarea[name=proposed_text]")
    wording.fill(wording.input_value() + " " + HOSTILE[0])
    panel.locator("details.add-amendment .preview ins").wait_for()  # the live diff, via htmx
    panel.locator("details.add-amendment textarea[name=text]").fill(HOSTILE[1])
    panel.locator("details.add-amendment button.primary").click()
    panel.locator("li.entry.kind-amendment").wait_for()

    shown = panel.inner_text()
    for text in HOSTILE:
        assert text in shown
    assert Entry.objects.filter(text__startswith="Note: ").count() == len(HOSTILE)
    assert dialogs == []  # no alert() ran
    assert page.locator("#panel-OP26 script, #panel-OP26 img, #panel-OP26 svg").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    panel.screenshot(path=str(ARTIFACTS / "hostile-input.png"))  # the panel: the page is long
