"""The queue moderated from the keyboard in a browser (#19): j and k choose an entry, p
publishes the chosen one and moves to the next."""

import pytest
from django.utils import timezone

from tests.e2e.conftest import screenshot
from wsis.comments.models import Entry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def three_pending(version, org_a, delegate_a):
    paragraph = version.paragraphs.get(label="26")
    return [
        Entry.objects.create(
            version=version,
            paragraph=paragraph,
            organisation=org_a,
            author=delegate_a.user,
            kind=Entry.Kind.COMMENT,
            text=f"Comment {n}.",
            status=Entry.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )  # fmt: skip
        for n in range(3)
    ]


def test_j_k_and_p_publish_the_chosen_entries(new_page, facilitator, three_pending):
    page = new_page(facilitator.user)
    page.goto("/moderation/wsis20/")
    rows = page.locator(".queue-table tbody tr[id^='row-']")
    ids = [int(rows.nth(n).get_attribute("id").removeprefix("row-")) for n in range(3)]
    assert sorted(ids) == sorted(e.pk for e in three_pending)

    def chosen(pk):
        page.locator(f"#row-{pk}.chosen").wait_for()

    # Keys typed in a field are left alone: no entry is chosen or published.
    page.locator("#f-q").press("p")
    assert page.locator(".queue-table tr.chosen").count() == 0
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("j")
    chosen(ids[0])
    page.keyboard.press("p")
    page.locator(f"#row-{ids[0]} .badge.mod-published").wait_for()
    chosen(ids[1])  # publish and next
    page.keyboard.press("j")
    chosen(ids[2])
    page.keyboard.press("k")
    chosen(ids[1])
    page.keyboard.press("p")
    page.locator(f"#row-{ids[1]} .badge.mod-published").wait_for()
    chosen(ids[2])
    screenshot(page, "moderation-keys")

    moderation = dict(Entry.objects.values_list("pk", "moderation"))
    assert moderation == {ids[0]: "published", ids[1]: "published", ids[2]: "pending"}
