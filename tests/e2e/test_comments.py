import pytest

from tests.e2e.conftest import screenshot
from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_delegate_drafts_an_amendment_and_the_focal_point_submits_it(
    new_page, version, delegate_a, focal_a
):
    page = new_page(delegate_a.user)
    page.goto("/c/wsis20/#OP26")
    page.click("#OP26 .panel-link")
    panel = page.locator("#panel-OP26")
    panel.locator("details.add-amendment summary").click()
    wording = panel.locator("details.add-amendment textarea[name=proposed_text]")
    original = wording.input_value()
    assert original.startswith("We are further concerned")
    wording.fill(original.replace("digital connectivity.", "digital connectivity for all."))
    # The live preview: htmx posts as the delegate types and marks the insertion.
    preview = panel.locator("details.add-amendment .preview ins")
    preview.wait_for()
    assert preview.inner_text() == "for all"
    screenshot(page, "comments-preview")
    panel.locator("details.add-amendment textarea[name=text]").fill("Universality.")
    panel.locator("details.add-amendment button.primary").click()
    panel.get_by_text("Saved as a draft").wait_for()
    entry = Entry.objects.get()
    assert entry.status == "draft" and entry.proposed_text.endswith("for all.")
    page.reload()
    assert "1 ours · 1 draft" in page.locator("#OP26 .entries-bar").inner_text()
    screenshot(page, "comments-reader-counts")

    focal = new_page(focal_a.user)
    focal.goto("/c/wsis20/our-entries/")
    assert "OP 26" in focal.locator("table.our-entries").inner_text()
    focal.click("text=Submit 1 draft")
    assert "This 1 entry will go out" in focal.locator("main").inner_text()
    screenshot(focal, "comments-submit-all")
    focal.click("button:has-text('Submit this entry')")
    focal.get_by_text("1 entry submitted.").wait_for()
    entry.refresh_from_db()
    assert entry.status == "submitted" and entry.submitted_at is not None
    entry_events = AuditEvent.objects.filter(action__startswith="entry.").order_by("pk")
    assert list(entry_events.values_list("action", flat=True)) == [
        "entry.created",
        "entry.submitted",
    ]
    screenshot(focal, "comments-our-entries")


def test_the_panel_works_without_javascript(browser, live_server, version, delegate_a):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/signin/")
    page.fill("#id_username", delegate_a.user.username)
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.goto("/c/wsis20/")
    page.click("#OP44 .panel-link")
    assert "/entries/p/" in page.url
    page.locator("details.add-comment summary").click()
    page.fill("details.add-comment textarea[name=text]", "Works on a plain page too.")
    page.click("details.add-comment button.primary")
    assert "Saved as a draft" in page.locator(".messages").inner_text()
    assert Entry.objects.get().text == "Works on a plain page too."
    context.close()


def test_another_delegation_supports_a_published_proposal(new_page, version, focal_a, delegate_b):
    paragraph = version.paragraphs.get(label="26")
    proposal = Entry.objects.create(
        version=version,
        paragraph=paragraph,
        organisation=delegate_b.user.memberships.get().organisation,
        author=delegate_b.user,
        kind=Entry.Kind.AMENDMENT,
        proposed_text=paragraph.text.replace(
            "connectivity.", "connectivity, through post offices."
        ),
        status=Entry.Status.SUBMITTED,
        moderation=Entry.Moderation.PUBLISHED,
        submitted_at=version.round.opens_at,
    )
    page = new_page(focal_a.user)
    page.goto("/c/wsis20/")
    page.click("#OP26 .panel-link")
    card = page.locator(f"#entry-{proposal.pk}")
    card.locator("button:has-text('Support')").click()
    card = page.locator(f"#entry-{proposal.pk}")
    card.get_by_text("Supported by Kenya").wait_for()
    assert list(proposal.supports.values_list("organisation__acronym", flat=True)) == ["KEN"]
    screenshot(page, "comments-support")

    # Kenya changes its mind while the round is open.
    card.locator("button:has-text('Withdraw our support')").click()
    page.get_by_text("Kenya no longer supports this proposal.").wait_for()
    card = page.locator(f"#entry-{proposal.pk}")
    assert card.get_by_text("Supported by Kenya").count() == 0
    assert not proposal.supports.exists()


def test_the_panel_pages_in_place_and_shows_a_refused_form(
    new_page, version, delegate_a, delegate_b
):
    from tests.comments.test_panel import _published

    _published(version, delegate_b.user.memberships.get().organisation, delegate_b.user, 25)
    page = new_page(delegate_a.user)
    page.goto("/c/wsis20/")
    page.evaluate("window.notReloaded = true")
    page.click("#OP26 .panel-link")  # boosted by its bar: into the panel, the address kept
    panel = page.locator("#panel-OP26")
    panel.get_by_text("Page 1 of 2").wait_for()
    panel.locator(".pager a", has_text="Show all 25").click()
    panel.get_by_text("Show the first page only").wait_for()
    assert panel.locator("li.entry").count() == 25
    # The refused form comes back with status 400 and is swapped in all the same.
    panel.locator("details.add-comment summary").click()
    panel.locator("details.add-comment button.primary").click()
    panel.get_by_text("Please write your comment.").wait_for()
    assert page.url.endswith("/c/wsis20/") and page.evaluate("window.notReloaded") is True
