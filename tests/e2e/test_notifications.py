"""Notifications in a browser (#19): the facilitator publishes an entry, the focal point's
header counts it, the list links it, and reading the list clears the count."""

import pytest
from django.utils import timezone

from tests.e2e.conftest import screenshot
from wsis.comments.models import Entry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_entry_published_reaches_the_focal_points_header_and_list(
    new_page, version, org_a, focal_a, facilitator
):
    entry = Entry.objects.create(
        version=version, paragraph=version.paragraphs.get(label="44"), organisation=org_a,
        author=focal_a.user, kind=Entry.Kind.COMMENT, text="Schools first.",
        status=Entry.Status.SUBMITTED, submitted_at=timezone.now(),
    )  # fmt: skip
    focal = new_page(focal_a.user)
    focal.goto("/c/wsis20/")
    header_link = focal.locator("header a[href='/notifications/']")
    assert header_link.locator(".badge").count() == 0

    chair = new_page(facilitator.user)
    chair.goto(f"/moderation/wsis20/entries/{entry.pk}/")
    chair.click(".moderate button[value=publish]")
    chair.locator(f"#entry-{entry.pk} .badge.mod-published").wait_for()

    focal.reload()
    assert header_link.locator(".badge").inner_text().startswith("1")
    header_link.click()
    item = focal.locator("li.notification.unread")
    assert "published" in item.inner_text()
    screenshot(focal, "notifications-list")
    # Reading the list clears the count; what was new stays marked on this showing.
    assert header_link.locator(".badge").count() == 0
    item.locator(f"a[href='/entries/{entry.pk}/']").click()
    focal.wait_for_url(f"**/entries/{entry.pk}/")
    assert "Schools first." in focal.locator("main").inner_text()
    assert header_link.locator(".badge").count() == 0
