"""Paragraph statuses in a real browser: a facilitator ticks paragraphs on the version's status
page and sets them at once; the reader shows each paragraph's status."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_statuses_set_in_bulk_show_on_the_reader(new_page, version, facilitator, org_a, delegate_a):
    page = new_page(facilitator.user)
    page.goto("/negotiation/wsis20/statuses/")
    for anchor in ("OP1", "OP2", "OP3"):
        page.check(f"#tick-{anchor}")
    page.select_option("#bulk-status", "agreed_ad_ref")
    page.click("#statuses button[type=submit]")
    expect(page.locator("#status-OP2 .status-badge")).to_have_text("Agreed ad ref")
    # A pending paragraph names the delegations it waits for, typed as acronyms.
    page.check("#tick-OP4")
    page.select_option("#bulk-status", "pending")
    page.fill("#bulk-waiting", "ken")
    page.click("#statuses button[type=submit]")
    expect(page.locator("#status-OP4 .status-badge")).to_contain_text("(KEN)")
    expect(page.locator("#status-OP5 .status-badge")).to_have_text("Open")
    screenshot(page, "statuses")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "statuses-phone")

    reader = new_page(delegate_a.user)
    reader.goto("/c/wsis20/")
    expect(reader.locator("#OP1 .stage-plenary")).to_have_text("Agreed ad ref")
    expect(reader.locator("#OP3 .stage-plenary")).to_have_text("Agreed ad ref")
    expect(reader.locator("#OP4 .status-badge")).to_contain_text("Pending")
    expect(reader.locator("#OP4 .status-badge")).to_contain_text("KEN")
    # The badge sits above the paragraph's text, in its column (not in the text's place).
    badge = reader.locator("#OP4 .status-badge").bounding_box()
    text = reader.locator("#OP4 .text").bounding_box()
    assert badge["x"] == text["x"] and badge["y"] + badge["height"] <= text["y"]
    screenshot(reader, "reader-statuses")
    reader.set_viewport_size({"width": 390, "height": 844})
    screenshot(reader, "reader-statuses-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/moderation/wsis20/overview/#convergence")
    expect(page.locator("#convergence")).to_contain_text("3")
    screenshot(page, "overview-convergence")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "overview-convergence-phone")
