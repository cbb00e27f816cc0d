import pytest
from django.utils import timezone

from tests.e2e.conftest import screenshot
from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def proposals(version, org_a, org_b, delegate_a, delegate_b):
    paragraph = version.paragraphs.get(label="26")
    common = {"version": version, "paragraph": paragraph, "status": "submitted"}
    kenya = Entry.objects.create(
        **common,
        organisation=org_a,
        author=delegate_a.user,
        kind="amendment",
        text="Name the groups.",
        proposed_text=paragraph.text.replace("other groups", "women, youth and other groups"),
        submitted_at=timezone.now(),
    )
    upu = Entry.objects.create(
        **common,
        organisation=org_b,
        author=delegate_b.user,
        kind="comment",
        text="Postal networks reach the unconnected.",
        submitted_at=timezone.now(),
    )
    return kenya, upu


def test_a_facilitator_publishes_from_the_queue_and_decides_on_the_paragraph(
    new_page, facilitator, proposals
):
    kenya, upu = proposals
    page = new_page(facilitator.user)
    page.goto("/moderation/wsis20/?moderation=pending")
    assert page.locator(".queue-table tbody tr").count() == 2
    screenshot(page, "moderation-queue")

    page.check("#pick-all")  # ticks every entry on the page
    assert page.is_checked(f"#pick-{kenya.pk}") and page.is_checked(f"#pick-{upu.pk}")
    page.select_option("#b-action", "publish")
    page.click(".bulk-bar button[type=submit]")
    page.wait_for_load_state()
    assert "2 entries published." in page.locator(".messages").inner_text()
    assert page.locator(".queue-table tbody tr").count() == 1  # "No submitted entry matches"

    page.goto("/moderation/wsis20/p/OP26/")
    card = page.locator(f"#entry-{kenya.pk}")
    assert card.locator("ins").first.inner_text().strip().startswith("women")
    assert page.locator(".entry-card").count() == 2
    page.evaluate("window.notReloaded = true")
    card.locator("select[name=decision]").select_option("partial")
    card.locator("textarea[name=rationale]").fill("Women and youth are named in Rev.1.")
    card.locator(".decide button[type=submit]").click()
    page.wait_for_selector(f"#entry-{kenya.pk} .badge.dec-partial")
    # Swapped in place: the page did not reload.
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "moderation-paragraph")

    upu_card = page.locator(f"#entry-{upu.pk}")
    upu_card.locator("button[value=reject]").click()
    page.wait_for_selector(f"#entry-{upu.pk} .errors")
    assert "Give the reason" in upu_card.inner_text()
    page.locator(f"#reason-{upu.pk}").fill("Please resubmit as a proposal.")
    page.locator(f"#entry-{upu.pk} button[value=reject]").click()
    page.wait_for_selector(f"#entry-{upu.pk} .badge.mod-rejected")

    kenya.refresh_from_db()
    upu.refresh_from_db()
    assert (kenya.decision, kenya.moderation) == ("partial", "published")
    assert upu.moderation == "rejected"
    assert AuditEvent.objects.filter(action="entry.decided").count() == 1

    page.goto("/moderation/wsis20/overview/")
    page.click("#cell-OP26")
    page.wait_for_url("**/p/OP26/")
    page.goto(f"/moderation/wsis20/entries/{kenya.pk}/")
    # The history in plain words, and every recorded event folded beneath it.
    assert "partially incorporated (rationale: " in page.locator(".history-story").inner_text()
    page.get_by_text("Every recorded event").click()
    assert "entry.decided" in page.locator(".history").inner_text()
    screenshot(page, "moderation-entry")
