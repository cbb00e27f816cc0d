"""The moderation queue on a phone (#19): the filters, the spreadsheet import and the bulk
actions are folded, so that the first entry is on the first screen; beside the queue, on a wide
screen, they are open without a click. No script is needed for either."""

import pytest
from django.utils import timezone

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import screenshot
from wsis.comments.models import Entry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True}
SIDEWAYS = "[document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture
def waiting(version, org_a, org_b, delegate_a, delegate_b):
    """A long amendment of Kenya and a comment of the UPU, both waiting for review."""
    paragraph = version.paragraphs.get(label="26")
    kenya = Entry.objects.create(
        version=version,
        paragraph=paragraph,
        organisation=org_a,
        author=delegate_a.user,
        kind=Entry.Kind.AMENDMENT,
        text="Name the groups. " * 40,
        proposed_text=paragraph.text.replace("other groups", "women, youth and other groups"),
        status=Entry.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    upu = Entry.objects.create(
        version=version,
        paragraph=paragraph,
        organisation=org_b,
        author=delegate_b.user,
        kind=Entry.Kind.COMMENT,
        text="Postal networks reach the unconnected. " * 20,
        status=Entry.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    return kenya, upu


@pytest.mark.parametrize("javascript", [True, False])
def test_on_a_phone_the_first_entry_is_on_the_first_screen(
    new_page, facilitator, waiting, javascript
):
    page = new_page(facilitator.user, java_script_enabled=javascript, **PHONE)
    page.goto("/moderation/wsis20/")
    first = page.locator(".queue-table tbody tr").first
    assert first.get_attribute("id") == f"row-{waiting[1].pk}"  # newest first
    box = first.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert first.get_by_role("button", name="Publish and next").is_visible()
    width, viewport = page.evaluate(SIDEWAYS)
    assert width <= viewport
    # Folded, the filters say which are on; opened, they filter as before.
    summary = page.locator(".filters summary").first
    assert " ".join(summary.inner_text().split()) == "Filters: pending review"
    assert not page.locator("#f-q").is_visible()
    assert not page.locator("#b-action").is_visible()
    screenshot(page, f"moderation-queue-phone-{'js' if javascript else 'nojs'}")
    summary.click()
    page.select_option("#f-kind", "comment")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**kind=comment**")
    assert " ".join(summary.inner_text().split()) == "Filters: pending review · comment"
    assert page.locator(".queue-table tbody tr[id^='row-']").count() == 1
    width, viewport = page.evaluate(SIDEWAYS)
    assert width <= viewport


def test_the_unfolded_queue_on_a_phone_is_accessible(new_page, facilitator, waiting):
    page = new_page(facilitator.user, bypass_csp=True, **PHONE)
    page.goto("/moderation/wsis20/")
    for summary in page.locator("main details.fold > summary").all():
        summary.click()
    assert page.locator("#f-q").is_visible() and page.locator("#b-action").is_visible()
    assert page.locator("#decisions-file").is_visible()
    assert page.evaluate(SIDEWAYS)[0] <= 390
    assert_accessible(page)
    screenshot(page, "moderation-queue-phone-unfolded")


def test_beside_the_queue_the_filters_are_open_without_a_click(new_page, facilitator, waiting):
    page = new_page(facilitator.user)
    page.goto("/moderation/wsis20/")
    assert page.get_by_role("heading", name="Filters").is_visible()
    for field in ("#f-q", "#f-kind", "#decisions-file", "#b-action"):
        assert page.locator(field).is_visible(), field
    assert not page.locator(".fold-state").is_visible()
    page.select_option("#f-kind", "amendment")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**kind=amendment**")
    assert page.locator(".queue-table tbody tr[id^='row-']").count() == 1
