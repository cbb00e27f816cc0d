"""Each role starts from its home: signing in lands there, the first thing waiting leads to the
page where it is done, and the home passes axe-core at desktop and phone widths."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import screenshot
from wsis.comments.models import Entry
from wsis.moderation import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def entries(version, org_a, org_b, delegate_a, delegate_b):
    """A draft of Kenya's delegate, and a submission of the UPU waiting for moderation."""
    paragraph = version.paragraphs.get(label="26")
    draft = Entry.objects.create(
        version=version,
        paragraph=paragraph,
        organisation=org_a,
        author=delegate_a.user,
        kind="comment",
        text="Name the groups.",
    )
    submitted = Entry.objects.create(
        version=version,
        paragraph=paragraph,
        organisation=org_b,
        author=delegate_b.user,
        kind="comment",
        text="Postal networks reach the unconnected.",
        status="submitted",
        submitted_at=timezone.now(),
    )
    return draft, submitted


def first_need(page):
    return page.locator(".needs a").first


def signed_in_home(new_page, user, **options):
    page = new_page(user, bypass_csp=True, **options)
    # No ``next``: signing in lands on the home, not on the reader.
    assert page.url.endswith("/") and "/c/" not in page.url
    page.get_by_role("heading", name="Welcome").wait_for()
    return page


def test_a_visitor_reads_the_list_and_opens_a_draft(new_page, version):
    page = new_page(bypass_csp=True)
    page.goto("/")
    assert page.get_by_role("heading", name="Consultations").is_visible()
    assert "Comments open until" in page.inner_text("main")
    assert_accessible(page)
    page.locator("main").get_by_role("link", name="WSIS+20 review").click()
    page.wait_for_url("**/c/wsis20/v/Zero%20draft/")
    assert page.locator(".paragraph").count() > 100


def test_a_delegate_starts_from_their_drafts(new_page, delegate_a, entries):
    draft, _ = entries
    page = signed_in_home(new_page, delegate_a.user)
    assert "Comments open until" in page.inner_text("main")
    assert_accessible(page)
    screenshot(page, "home-delegate")
    page.locator(".draft-list a").first.click()
    page.wait_for_url(f"**/entries/{draft.pk}/")
    assert page.input_value("main textarea[name=text]") == "Name the groups."
    page.goto("/")
    first_need(page).click()
    page.wait_for_url("**/c/wsis20/our-entries/")


def test_a_focal_point_starts_from_what_waits_for_submission(new_page, focal_a, entries):
    page = signed_in_home(new_page, focal_a.user)
    assert first_need(page).inner_text().split()[0] == "1"
    assert_accessible(page)
    screenshot(page, "home-focal-point")
    first_need(page).click()
    page.wait_for_url("**/c/wsis20/submit-all/")
    assert "Name the groups." in page.inner_text("main")


def test_a_facilitator_starts_from_the_queue(new_page, facilitator, entries):
    _, submitted = entries
    page = signed_in_home(new_page, facilitator.user)
    assert "entry waiting for moderation" in first_need(page).inner_text()
    assert_accessible(page)
    screenshot(page, "home-facilitator")
    first_need(page).click()
    page.wait_for_url("**/moderation/wsis20/")
    assert "Postal networks reach the unconnected." in page.inner_text("main")
    # The header and its links are the same there, with the trail on a nested page.
    page.goto(f"/moderation/wsis20/entries/{submitted.pk}/")
    trail = page.get_by_role("navigation", name="Breadcrumb")
    assert trail.inner_text().split("\n")[0] == "Home"
    trail.get_by_role("link", name="Moderation").click()
    page.wait_for_url("**/moderation/wsis20/")


@pytest.mark.parametrize("persona", ["facilitator", "focal_a"])
def test_on_a_phone_the_header_is_one_row_and_a_menu(request, new_page, persona, entries):
    user = request.getfixturevalue(persona).user
    page = signed_in_home(new_page, user, viewport=PHONE)
    header = page.locator(".site-header").bounding_box()
    menu = page.get_by_text("Menu", exact=True)
    assert header["height"] <= 60 and menu.is_visible()
    account = page.locator(".site-nav").get_by_role("link", name="Account")
    assert not account.is_visible()
    assert_accessible(page)
    screenshot(page, f"home-{persona}-phone")
    menu.click()
    account.wait_for()
    assert_accessible(page)
    screenshot(page, f"home-{persona}-phone-menu")
    account.click()
    page.wait_for_url("**/stakeholders/account/")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_delegate_reads_the_decisions_and_opens_the_paragraph(
    new_page, delegate_a, focal_a, version, org_a, viewport
):
    paragraph = version.paragraphs.get(label="26")
    decided = Entry.objects.create(
        version=version,
        paragraph=paragraph,
        organisation=org_a,
        author=focal_a.user,
        kind="amendment",
        text="Name the groups.",
        proposed_text=paragraph.text.replace("other groups", "women, youth and other groups"),
        status="submitted",
        moderation="published",
        submitted_at=timezone.now(),
    )
    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    services.decide(
        [decided], "partial", rationale="Merged with the G77 proposal.", request=request
    )
    page = signed_in_home(new_page, delegate_a.user, **({"viewport": viewport} if viewport else {}))
    decision = page.locator(".decision").first
    assert "partially incorporated" in decision.inner_text()
    assert "Merged with the G77 proposal." in decision.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    if viewport:  # a thumb's target
        for link in decision.get_by_role("link").all():
            assert link.bounding_box()["height"] >= 44
    assert_accessible(page)
    screenshot(page, f"home-delegate-decisions-{'phone' if viewport else 'desktop'}")
    decision.get_by_role("link", name="OP 26").click()
    page.wait_for_url("**/c/wsis20/v/Zero%20draft/#OP26")
