"""The main journeys with the keyboard alone: every control reached with Tab shows its focus and
has a name, and Enter or Space does what a click would."""

import pytest

from tests.comments.conftest import make_entry
from wsis.comments.models import Entry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# What the focused element looks like to a keyboard user, and the name a screen reader gives.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const labelled = (el.labels && el.labels.length && el.labels[0].textContent.trim())
    || el.getAttribute("aria-label")
    || (el.getAttribute("aria-labelledby") || "").split(" ")
         .map(id => (document.getElementById(id) || {}).textContent || "").join(" ").trim()
    || (el.tagName === "INPUT" && el.type === "submit" && el.value)
    || el.textContent.trim();
  return {
    tag: el.tagName, id: el.id, visible: el.matches(":focus-visible") && (outlined
      || style.boxShadow !== "none"), name: labelled || "",
  };
}"""


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until ``selector`` has the focus, checking every control passed on the way."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "BODY":
            continue
        assert focused["visible"], f"no visible focus on {focused}"
        assert focused["name"], f"no name on {focused}"
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"{selector} not reached with {limit} presses of Tab")


def test_a_delegate_drafts_an_amendment_with_the_keyboard(new_page, version, delegate_a):
    page = new_page(delegate_a.user)
    # Following a link to a paragraph moves the keyboard's starting point there.
    page.goto("/c/wsis20/#OP26")
    tab_to(page, "#OP26 .panel-link")
    page.keyboard.press("Enter")
    panel = page.locator("#panel-OP26")
    panel.locator("details.add-amendment").wait_for()
    tab_to(page, "#panel-OP26 details.add-amendment summary")
    page.keyboard.press("Enter")
    tab_to(page, "#panel-OP26 details.add-amendment textarea[name=proposed_text]")
    page.keyboard.press("Control+End")
    page.keyboard.press("Backspace")  # the full stop
    page.keyboard.type(" for all.")
    assert panel.locator("details.add-amendment .preview ins").inner_text() == "for all"
    tab_to(page, "#panel-OP26 details.add-amendment textarea[name=text]")
    page.keyboard.type("Universality.")
    tab_to(page, "#panel-OP26 details.add-amendment button.primary")
    page.keyboard.press("Enter")
    panel.get_by_text("Saved as a draft").wait_for()
    entry = Entry.objects.get()
    assert entry.proposed_text.endswith("connectivity for all.") and entry.text == "Universality."


def test_a_focal_point_submits_with_the_keyboard(new_page, version, org_a, delegate_a, focal_a):
    draft = make_entry(
        version, org_a, delegate_a.user, kind=Entry.Kind.COMMENT,
        text="Post offices connect the last mile.",
    )  # fmt: skip
    page = new_page(focal_a.user)
    page.goto("/c/wsis20/#OP26")
    tab_to(page, "#OP26 .panel-link")
    page.keyboard.press("Enter")
    page.locator(f"#entry-{draft.pk}").wait_for()
    tab_to(page, f"#entry-{draft.pk} form[action$='/submit/'] button")
    page.keyboard.press("Space")
    page.get_by_text("Submitted: OP 26.").wait_for()
    draft.refresh_from_db()
    assert draft.status == Entry.Status.SUBMITTED


def test_a_facilitator_publishes_and_decides_with_the_keyboard(
    new_page, version, org_b, delegate_b, facilitator
):
    proposal = make_entry(
        version, org_b, delegate_b.user, label="44", status=Entry.Status.SUBMITTED
    )
    page = new_page(facilitator.user)
    page.goto("/moderation/wsis20/")
    tab_to(page, "td.excerpt a")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{proposal.pk}/")
    card = f"#entry-{proposal.pk}"
    tab_to(page, f"{card} button[value=publish]")
    page.keyboard.press("Enter")
    page.locator(f"{card} .badge.mod-published").wait_for()
    tab_to(page, f"{card} form.decide select")
    page.keyboard.press("End")  # the last outcome: not incorporated
    tab_to(page, f"{card} form.decide textarea")
    page.keyboard.type("The Member States did not take it up.")
    tab_to(page, f"{card} form.decide button")
    page.keyboard.press("Enter")
    page.locator(f"{card} .badge.dec-not_incorporated").wait_for()
    proposal.refresh_from_db()
    assert proposal.moderation == Entry.Moderation.PUBLISHED
    assert proposal.decision == Entry.Decision.NOT_INCORPORATED
    assert proposal.decision_rationale == "The Member States did not take it up."
