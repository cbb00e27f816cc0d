"""Hostile strings typed into the browser's text fields show as typed and run nothing.

Every text field a person types into is covered here (the fields that are not free text, such
as dates, numbers, choices and ticks, are covered by tests/test_property_forms.py):

- comments: the comment, the proposed wording and its justification;
- onboarding: the accreditation request (name, acronym, country, website, contact person, contact
  email, justification), the facilitator's reason for declining, the names set on accepting an
  invitation, the focal point's invitation of a delegate, the change of email address, the
  sign-in form, and the organisations' names of a bulk registration file;
- moderation: the reason for a rejection and the rationale of a decision, on an entry's card
  and in the queue's bulk bar, and the one-time code;
- revisions: the version's label, the paragraphs of the uploaded file, the "follows" fields of
  the alignment and the rationales of the suggested outcomes.

Reports have no free-text field (their filters are choices and ticks).

The app's Content-Security-Policy would stop an injected inline script even if the text were not
escaped, so "runs nothing" is checked on the page itself as well: no dialog opened, no global
flag set, and no element or event handler that a string could have injected.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from tests.conftest import accreditation_request
from tests.drafts.conftest import REV1
from tests.e2e.conftest import ARTIFACTS, PASSWORD
from tests.test_security import HOSTILE
from wsis.comments.models import Entry
from wsis.stakeholders.models import AccreditationRequest, Organisation

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# More strings: Jinja-style arithmetic, a way out of a textarea and of a single-quoted
# attribute, and payloads that set a flag instead of opening a dialog.
STRINGS = [
    *HOSTILE,
    "{{ 7*7 }}",
    "<img src=x onerror=window.__pwned=1>",
    "</textarea><script>window.__pwned=1</script>",
    "' onmouseover='window.__pwned=1",
]
ALL = " ".join(STRINGS)
# An address that browsers and Django both accept, with markup-like and template-like parts.
EMAIL = "{{7*7}}'onfocus='window.__pwned=1'@ona.example"


def fit(limit: int, exclude: str = "") -> str:
    """As many of the strings as fit in a field of ``limit`` characters."""
    chosen = []
    for text in STRINGS:
        if any(char in text for char in exclude):
            continue
        if len(" ".join([*chosen, text])) <= limit:
            chosen.append(text)
    return " ".join(chosen)


# Anything on the page a hostile string could have put there.
INJECTED = """() => {
  const found = [];
  if (window.__pwned !== undefined) found.push("window.__pwned");
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (["svg", "iframe", "object", "embed"].includes(tag)) found.push(tag);
    if (tag === "img" && el.getAttribute("src") === "x") found.push("img src=x");
    if (tag === "script" && !(el.getAttribute("src") || "").startsWith("/static/")) {
      found.push("script: " + el.textContent.slice(0, 40));
    }
    for (const name of el.getAttributeNames()) {
      if (name.startsWith("on")) found.push(tag + "[" + name + "]");
    }
  }
  return found;
}"""


def watched(page):
    """Record every dialog the page opens (alert, confirm, prompt)."""
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return page


def assert_inert(page):
    assert page.dialogs == [], page.dialogs
    assert page.evaluate(INJECTED) == [], page.url


def assert_shows(page, *texts, where="main"):
    """Each text shows, exactly as typed, on the page; and nothing ran. The text as the document
    has it, spaces collapsed: some headings are upper-cased by the stylesheet."""
    shown = " ".join(page.locator(where).first.text_content().split())
    for text in texts:
        assert " ".join(text.split()) in shown, (page.url, text)
    assert_inert(page)


def test_hostile_comments_and_amendments_show_as_typed(new_page, version, delegate_a):
    page = new_page(delegate_a.user)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/c/wsis20/")
    page.click("#OP26 .panel-link")
    panel = page.locator("#panel-OP26")
    for text in STRINGS:
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
    for text in STRINGS:
        assert text in shown
    assert Entry.objects.filter(text__startswith="Note: ").count() == len(STRINGS)
    assert dialogs == []  # no alert() ran
    assert page.locator("#panel-OP26 script, #panel-OP26 img, #panel-OP26 svg").count() == 0
    assert page.evaluate(INJECTED) == []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    panel.screenshot(path=str(ARTIFACTS / "hostile-input.png"))  # the panel: the page is long


def test_hostile_onboarding_shows_as_typed(new_page, facilitator, version, mailoutbox):
    """Accreditation request → the facilitator's list and detail → approval → the invitation
    accepted with hostile names → the new focal point's pages, email change and invitations."""
    name, acronym, country, contact = fit(200), fit(30), fit(100), fit(150)
    website = 'https://ona.example/"><svg/onload=alert(1)>{{7*7}}'  # no spaces in a URL
    visitor = watched(new_page())
    visitor.goto("/stakeholders/wsis20/join/")
    visitor.fill("#id_name", name)
    visitor.fill("#id_acronym", acronym)
    visitor.select_option("#id_group", label="Civil society")
    visitor.fill("#id_country", country)
    visitor.fill("#id_website", "javascript:alert(1)")  # a URL to the browser, refused by the app
    visitor.fill("#id_contact_name", contact)
    visitor.fill("#id_contact_email", EMAIL)
    visitor.fill("#id_justification", ALL)
    visitor.click("button[type=submit]")
    visitor.locator(".has-error #id_website").wait_for()
    # Shown again as typed, in the fields, for correcting.
    typed = {"name": name, "acronym": acronym, "country": country, "contact_name": contact}
    for field, text in typed.items():
        assert visitor.input_value(f"#id_{field}") == text
    assert visitor.input_value("#id_website") == "javascript:alert(1)"
    assert visitor.input_value("#id_contact_email") == EMAIL
    assert visitor.input_value("#id_justification") == ALL
    assert_inert(visitor)
    visitor.fill("#id_website", website)
    visitor.click("button[type=submit]")
    visitor.wait_for_url("**/join/sent/")
    assert_inert(visitor)
    request = AccreditationRequest.objects.get()
    assert (request.name, request.justification, request.website) == (name, ALL, website)

    desk = watched(new_page(facilitator.user))
    desk.goto("/stakeholders/wsis20/requests/")
    assert_shows(desk, f"{name} ({acronym})", country, contact, EMAIL)
    desk.click(f"a[href$='/requests/{request.pk}/']")
    assert_shows(desk, name, acronym, country, website, contact, EMAIL, ALL)
    # In the link as well: the address is the typed one, not broken out of.
    assert desk.get_attribute("a[rel~=noopener]", "href") == website
    desk.click("text=Approve and invite")
    desk.locator(".messages").wait_for()
    assert_shows(desk, name, acronym)
    assert Organisation.objects.filter(name=name, acronym=acronym).exists()

    (mail,) = mailoutbox
    link = re.search(r"https?://\S+/stakeholders/invitation/\S+/", mail.body).group(0)
    first, last = fit(150), fit(150, exclude="<")
    invitee = watched(new_page())
    invitee.goto(link)
    assert_shows(invitee, name, where="h1")
    invitee.fill("#id_first_name", first)
    invitee.fill("#id_last_name", last)
    invitee.fill("#id_password1", "short")
    invitee.fill("#id_password2", "short")
    invitee.click("button[type=submit]")
    assert "too short" in invitee.inner_text(".onboarding-form")
    assert invitee.input_value("#id_first_name") == first
    assert invitee.input_value("#id_last_name") == last
    assert_inert(invitee)
    invitee.fill("#id_password1", PASSWORD + " 2026")
    invitee.fill("#id_password2", PASSWORD + " 2026")
    invitee.click("button[type=submit]")
    invitee.wait_for_url("**/signin/**")
    invitee.fill("#id_username", EMAIL)
    invitee.fill("#id_password", PASSWORD + " 2026")
    invitee.click("button[type=submit]")
    invitee.wait_for_url(lambda url: urlsplit(url).path == "/")  # their home
    assert_shows(invitee, f"Acting for: {acronym}", f"{first} {last}", where=".site-nav")

    # The focal point's people, and an invitation to a hostile-looking address.
    invitee.goto("/stakeholders/people/")
    assert_shows(invitee, name, f"{first} {last}", EMAIL)
    invitee.fill("#id_email", "x" + EMAIL)
    invitee.click("text=Send the invitation")
    assert_shows(invitee, "x" + EMAIL)

    # The account: a new address, first with a wrong password, then with the right one.
    invitee.goto("/stakeholders/account/")
    assert_shows(invitee, EMAIL, name)
    invitee.fill("#id_email", "new" + EMAIL)
    invitee.fill("#id_password", "not my password")
    invitee.click("text=Send a confirmation link")
    invitee.locator(".has-error #id_password").wait_for()
    assert invitee.input_value("#id_email") == "new" + EMAIL
    assert_inert(invitee)
    invitee.fill("#id_password", PASSWORD + " 2026")
    invitee.click("text=Send a confirmation link")
    invitee.locator(".messages").wait_for()
    assert_inert(invitee)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    invitee.screenshot(path=str(ARTIFACTS / "hostile-onboarding.png"))


def test_hostile_decline_reason_bulk_file_and_sign_in_show_as_typed(
    new_page, facilitator, version, tmp_path
):
    request = accreditation_request(version.consultation, website="")
    desk = watched(new_page(facilitator.user))
    desk.goto(f"/stakeholders/wsis20/requests/{request.pk}/")
    desk.fill("#id_reason", ALL)
    desk.click("text=Decline and tell the requester")
    desk.goto(f"/stakeholders/wsis20/requests/{request.pk}/")
    assert_shows(desk, ALL)

    # A fellow facilitator invited at a hostile-looking address.
    desk.goto("/stakeholders/wsis20/facilitators/")
    desk.fill("#id_email", "co" + EMAIL)
    desk.click("text=Send the invitation")
    desk.locator(".messages").wait_for()
    assert_shows(desk, "co" + EMAIL)

    # A registration file: organisations named with the strings; a refused row says why.
    names = [fit(200)[:200], *STRINGS]
    lines = ["name,acronym,group,focal_point_email"]
    for n, text in enumerate(names):
        quoted = '"' + text.replace('"', '""') + '"'
        lines.append(f"{quoted},H{n},member_state,focal{n}@gov.example")
    lines.append(f'"Somewhere",SW,"{STRINGS[0]}",focal@sw.example')
    upload = tmp_path / "orgs.csv"
    upload.write_text("\n".join(lines) + "\n")
    desk.goto("/stakeholders/wsis20/register/")
    desk.set_input_files("#id_file", str(upload))
    desk.click("text=Register and invite")
    desk.locator(".report").wait_for()
    assert_shows(desk, *(f"{text} (H{n})" for n, text in enumerate(names)))
    assert Organisation.objects.filter(name__in=names).count() == len(names)

    # Signing in with a hostile username: refused, shown again as typed.
    visitor = watched(new_page())
    visitor.goto("/signin/")
    visitor.fill("#id_username", fit(150))
    visitor.fill("#id_password", "wrong")
    visitor.click("button[type=submit]")
    visitor.locator(".errors, .errorlist").first.wait_for()
    assert visitor.input_value("#id_username") == fit(150)
    assert_inert(visitor)


@pytest.fixture
def proposals(version, org_a, org_b, delegate_a, delegate_b):
    paragraph = version.paragraphs.get(label="26")
    common = {"version": version, "paragraph": paragraph, "status": "submitted"}
    now = timezone.now()
    kenya = Entry.objects.create(
        **common, organisation=org_a, author=delegate_a.user, kind="amendment",
        text="Name the groups.", submitted_at=now,
        proposed_text=paragraph.text.replace("other groups", "women, youth and other groups"),
    )  # fmt: skip
    upu = Entry.objects.create(
        **common, organisation=org_b, author=delegate_b.user, kind="comment",
        text="Postal networks reach the unconnected.", submitted_at=now,
    )  # fmt: skip
    third = Entry.objects.create(
        **common, organisation=org_b, author=delegate_b.user, kind="comment",
        text="Off topic.", submitted_at=now,
    )  # fmt: skip
    return kenya, upu, third


def test_hostile_moderation_reasons_and_rationales_show_as_typed(
    new_page, facilitator, delegate_b, proposals
):
    kenya, upu, third = proposals
    page = watched(new_page(facilitator.user))
    page.goto("/moderation/wsis20/?moderation=pending")
    # The bulk bar: refused (nothing ticked), the typed text kept; then applied.
    page.select_option("#b-action", "reject")
    page.fill("#b-reason", ALL)
    page.fill("#b-rationale", ALL)
    page.click(".bulk-bar button[type=submit]")
    page.locator(".bulk-bar .errors").wait_for()
    assert page.input_value("#b-reason") == ALL and page.input_value("#b-rationale") == ALL
    assert_inert(page)
    page.check(f"#pick-{third.pk}")
    page.click(".bulk-bar button[type=submit]")
    page.locator(".messages").wait_for()
    assert_inert(page)

    # The queue's filter: words in the text.
    page.fill("#f-q", ALL)
    page.click(".filters button[type=submit]")
    page.wait_for_url("**/moderation/wsis20/?*")
    assert page.input_value("#f-q") == ALL
    assert_inert(page)

    # The cards on the paragraph: a decision with a rationale, a rejection with a reason.
    page.goto("/moderation/wsis20/p/OP26/")
    card = page.locator(f"#entry-{kenya.pk}")
    card.locator("select[name=decision]").select_option("partial")
    card.locator("textarea[name=rationale]").fill(ALL)
    card.locator(".decide button[type=submit]").click()
    page.wait_for_selector(f"#entry-{kenya.pk} .badge.dec-partial")
    page.locator(f"#entry-{kenya.pk} button[value=publish]").click()
    page.wait_for_selector(f"#entry-{kenya.pk} .badge.mod-published")
    page.locator(f"#reason-{upu.pk}").fill(ALL)
    page.locator(f"#entry-{upu.pk} button[value=reject]").click()
    page.wait_for_selector(f"#entry-{upu.pk} .badge.mod-rejected")
    assert_shows(page, f"Rationale: {ALL}", f"Reason given: {ALL}")
    for entry in (kenya, upu, third):
        page.goto(f"/moderation/wsis20/entries/{entry.pk}/")
        assert_shows(page, ALL)
    for entry in (upu, third):
        entry.refresh_from_db()
        assert entry.moderation == "rejected" and entry.moderation_reason == ALL
    kenya.refresh_from_db()
    assert kenya.decision_rationale == ALL

    # Where the organisations read them: their entries, and the public page of a proposal.
    upu_page = watched(new_page(delegate_b.user))
    upu_page.goto("/c/wsis20/our-entries/")
    assert_shows(upu_page, ALL)
    reader = watched(new_page())
    reader.goto(f"/entries/{kenya.pk}/")
    assert_shows(reader, f"Rationale: {ALL}")

    # The one-time code: at most 8 characters, enough to leave an attribute.
    page.goto("/moderation/second-factor/")
    page.fill("#id_token", '"><svg>')
    page.click("form.stacked button[type=submit]")
    page.locator(".errors").wait_for()
    assert page.input_value("#id_token") == '"><svg>'
    assert_inert(page)


def test_hostile_revision_label_text_alignment_and_outcomes_show_as_typed(
    new_page, facilitator, proposals, tmp_path
):
    kenya, _upu, _third = proposals
    label = fit(60, exclude="/")
    source = REV1.read_text().replace(
        "- 27. We are committed", f"- 27. {fit(300)} We are committed", 1
    )
    upload = tmp_path / "rev1.txt"
    upload.write_text(source)
    page = watched(new_page(facilitator.user))
    page.goto("/c/wsis20/revisions/new/")
    page.fill("#id_label", label)
    page.set_input_files("#id_file", str(upload))
    page.click(".upload-form button")
    page.wait_for_url("**/alignment/")
    assert_shows(page, label, fit(300))

    # "Follows" with a hostile paragraph label: refused, typed text kept, the label quoted.
    field = page.locator("input.follows").first
    field.fill(STRINGS[1])
    page.click("button:has-text('Confirm the alignment') >> nth=0")
    page.locator(".field-error").first.wait_for()
    assert page.locator("input.follows").first.input_value() == STRINGS[1]
    assert_shows(page, STRINGS[1].strip())
    page.goto(page.url.replace("/alignment/save/", "/alignment/"))  # the suggestion again
    page.click("button:has-text('Confirm the alignment') >> nth=0")
    page.locator("#id_closes_at").wait_for()
    page.click("button:has-text('Publish')")
    page.wait_for_url("**/outcomes/")
    assert_shows(page, label)

    # A suggested outcome's rationale.
    rationale = page.locator(f"#rationale-{kenya.pk}")
    rationale.fill(ALL)
    page.locator("form button[type=submit]").last.click()
    page.locator(".messages").wait_for()
    assert page.locator(f"#rationale-{kenya.pk}").input_value() == ALL
    assert_inert(page)
    kenya.refresh_from_db()
    assert kenya.decision_rationale == ALL

    # The new version in the reader and the comparison.
    page.goto("/c/wsis20/")
    assert_shows(page, fit(300))
    page.goto("/c/wsis20/compare/")
    assert_shows(page, label, fit(300))


def test_hostile_edit_of_a_draft_on_its_page_shows_as_typed(new_page, version, org_a, delegate_a):
    paragraph = version.paragraphs.get(label="26")
    draft = Entry.objects.create(
        version=version, paragraph=paragraph, organisation=org_a, author=delegate_a.user,
        kind="amendment", proposed_text=paragraph.text + " More.", text="Why.",
    )  # fmt: skip
    page = watched(new_page(delegate_a.user))
    page.goto(f"/entries/{draft.pk}/")
    page.fill("#id_proposed_text", f"{paragraph.text} {ALL}")
    page.locator("#preview-edit ins", has_text="7*7").wait_for()  # the live diff, via htmx
    assert_shows(page, ALL, where="#preview-edit")
    page.fill("#id_text", ALL)
    page.click("text=Save draft")
    page.wait_for_url(f"**/entries/{draft.pk}/")
    assert_shows(page, ALL, where="p.change")
    assert page.input_value("#id_text") == ALL
    assert page.input_value("#id_proposed_text") == f"{paragraph.text} {ALL}"
    draft.refresh_from_db()
    assert (draft.proposed_text, draft.text) == (f"{paragraph.text} {ALL}", ALL)
    page.goto(f"/entries/p/{paragraph.pk}/")
    assert_shows(page, ALL)
