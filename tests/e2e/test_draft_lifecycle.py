import pytest

from tests.comments.conftest import make_entry
from tests.e2e.conftest import screenshot
from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_delegate_deletes_a_draft_after_confirming(
    new_page, version, org_a, delegate_a, javascript
):
    draft = make_entry(version, org_a, delegate_a.user, text="A contradiction of ours.")
    page = new_page(delegate_a.user, java_script_enabled=javascript)
    page.goto(f"/entries/p/{draft.paragraph_id}/")
    page.locator(f"#entry-{draft.pk} a:has-text('Edit')").click()
    page.click("text=Delete this draft…")
    page.get_by_role("heading", name="Delete this draft?").wait_for()
    assert "A contradiction of ours." in page.locator("main").inner_text()
    # Nothing happens until the deletion is confirmed.
    assert Entry.objects.filter(pk=draft.pk).exists()
    screenshot(page, f"comments-delete-confirm-{'js' if javascript else 'no-js'}")
    page.click("button:has-text('Delete the draft')")
    page.get_by_text("The draft on OP 26 was deleted.").wait_for()
    assert f"/entries/p/{draft.paragraph_id}/" in page.url
    assert page.locator(f"#entry-{draft.pk}").count() == 0
    assert not Entry.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(action="entry.deleted", actor=delegate_a.user).count() == 1
