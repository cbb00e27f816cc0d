"""The whole negotiation cycle in the browser: a facilitator decides a proposal, composes Rev.1,
edits a paragraph, publishes; the proposing organisation's focal point sees where it went."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.comments import conftest as comments
from tests.comments.conftest import make_entry
from tests.e2e.conftest import screenshot
from tests.moderation.test_two_factor import code
from wsis.comments.models import Entry, TakenIn
from wsis.drafts.models import Version

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

focal_b = comments.focal_b  # the UPU's focal point

POSTAL = ("rural and remote areas", "rural and remote areas, served by postal networks,")
EDIT = ("refugees and migrants", "refugees, migrants and persons with disabilities")


@pytest.fixture
def upu_amendment(version, org_b, delegate_b):
    op26 = version.paragraphs.get(label="26")
    return make_entry(
        version, org_b, delegate_b.user, label="26", text="Postal networks reach the unconnected.",
        proposed_text=op26.text.replace(*POSTAL), status=Entry.Status.SUBMITTED,
        moderation=Entry.Moderation.PUBLISHED,
    )  # fmt: skip


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_proposal_decided_incorporated_reaches_rev1_and_its_ledger(
    new_page, settings, facilitator, focal_b, upu_amendment, javascript
):
    settings.FACILITATOR_REQUIRE_2FA = True
    suffix = "js" if javascript else "no-js"
    page = new_page(facilitator.user, java_script_enabled=javascript)

    # The facilitator gate asks for the code of the facilitator's authenticator app.
    page.goto("/moderation/wsis20/p/OP26/")
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    page.fill("#id_token", code(TOTPDevice.objects.get(user=facilitator.user)))
    page.click("button:has-text('Confirm')")
    page.wait_for_url("**/moderation/wsis20/p/OP26/")

    card = page.locator(f"#entry-{upu_amendment.pk}")
    card.locator("select[name=decision]").select_option("incorporated")
    card.locator("textarea[name=rationale]").fill("Postal networks are named in Rev.1.")
    card.locator(".decide button[type=submit]").click()
    expect(page.locator(f"#entry-{upu_amendment.pk} .badge.dec-incorporated")).to_be_visible()

    page.goto("/c/wsis20/revisions/new/")
    page.fill("#id_compose_label", "Rev.1")
    page.click("button:has-text('Compose from Zero draft')")
    page.wait_for_url("**/c/wsis20/v/Rev.1/edit/")
    expect(page.locator(".messages")).to_contain_text("1 proposal applied")
    expect(page.locator(".jump a")).to_have_text(["OP 26"])  # the one paragraph changed
    row = page.locator("#OP26")
    expect(row.locator(".change-edited")).to_be_visible()
    expect(row.locator(".diff").first.locator("ins")).to_contain_text("served by postal networks")
    expect(row.locator(".took-in")).to_contain_text(f"#{upu_amendment.pk} UPU")
    expect(row.locator(".took-in")).to_contain_text("applied as proposed")
    screenshot(page, f"cycle-edit-{suffix}")

    row.locator("a.edit-link").click()
    page.wait_for_url("**/c/wsis20/v/Rev.1/edit/*/")
    wording = page.locator("#id_text")
    assert "served by postal networks" in wording.input_value()
    preview = page.locator("#edit-preview")
    expect(preview.locator("ins")).to_contain_text("served by postal networks")
    wording.fill(wording.input_value().replace(*EDIT))
    if javascript:
        # The word diff follows the typing, without a reload.
        expect(preview.locator("ins")).to_contain_text(["persons with disabilities"])
    else:
        expect(preview).not_to_contain_text("persons with disabilities")
    screenshot(page, f"cycle-edit-paragraph-{suffix}")
    page.click("button:has-text('Save the paragraph')")
    page.wait_for_url("**/c/wsis20/v/Rev.1/edit/#OP26")
    expect(page.locator(".messages")).to_contain_text("OP 26 is saved.")
    expect(row.locator(".diff").first).to_contain_text("persons with disabilities")
    expect(row.locator(".took-in")).to_contain_text(f"#{upu_amendment.pk} UPU")

    page.click("a:has-text('Check the alignment and publish')")
    page.wait_for_url("**/c/wsis20/v/Rev.1/alignment/")
    page.click("button:has-text('Publish Rev.1')")
    page.wait_for_url("**/c/wsis20/v/Rev.1/outcomes/")
    rev1 = Version.objects.get(consultation__slug="wsis20", label="Rev.1")
    assert rev1.status == Version.Status.OPEN
    # The paragraph the facilitator edited, which took the UPU's proposal in.
    taken = TakenIn.objects.select_related("paragraph").get(entry=upu_amendment)
    assert taken.paragraph.version == rev1 and taken.how == TakenIn.How.APPLIED
    assert "served by postal networks" in taken.paragraph.text
    assert "persons with disabilities" in taken.paragraph.text

    ledger = new_page(focal_b.user, java_script_enabled=javascript)
    ledger.goto("/c/wsis20/ledger/UPU/")
    line = ledger.locator(f"#entry-{upu_amendment.pk}")
    now_in = line.locator("td[data-label='Now in'] a")
    expect(now_in).to_have_text(f"{taken.paragraph.display_label} (Rev.1)")
    assert now_in.get_attribute("href") == f"/c/wsis20/v/Rev.1/#{taken.paragraph.anchor}"
    expect(line.locator(".badge.state-incorporated")).to_have_text("incorporated")
    screenshot(ledger, f"cycle-ledger-{suffix}")
