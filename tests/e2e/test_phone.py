"""On a phone (390 px, touch): the reader's text comes first, no page scrolls sideways, and the
things to tap are at least 44 px high (#19)."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from tests.conftest import accreditation_request
from tests.e2e.axe import assert_accessible
from wsis.comments.models import Entry
from wsis.room import services as room
from wsis.silence import services as silence

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True}
TAP = 44
# What a thumb taps: buttons, fields, disclosures, links that are a list's items, panel links.
TARGETS = (
    "main :is(button:not(.link), .button, select, summary, li > a:first-child, .panel-link,"
    " input:not([type=checkbox], [type=radio], [type=hidden], [type=file]))"
)
SMALL_TARGETS = """selector => [...document.querySelectorAll(selector)]
  .filter(el => el.checkVisibility())
  .map(el => [el, el.getBoundingClientRect().height])
  .filter(([, height]) => height < 43.5)
  .map(([el, height]) => `${el.outerHTML.slice(0, 80)} (${height.toFixed(1)} px)`)"""
SIDEWAYS = "[document.documentElement.scrollWidth, window.innerWidth]"

VERSION = "/c/wsis20/v/Zero%20draft"
PAGES = {
    "anonymous": ["/c/wsis20/"],
    "delegate_a": ["/c/wsis20/", "panel", "paragraph"],
    "focal_a": ["/c/wsis20/our-entries/", "/c/wsis20/our-submission/", "/stakeholders/people/"],
    "facilitator": [
        "/moderation/wsis20/",
        "/moderation/wsis20/p/OP26/",
        "/moderation/wsis20/overview/",
        "/negotiation/wsis20/statuses/",
        "/reports/wsis20/v/Zero%20draft/",
        "/stakeholders/wsis20/requests/",
        "/stakeholders/wsis20/organisations/",
        "/silence/wsis20/v/Zero%20draft/matrix/",
        f"{VERSION}/readings/1/",
    ],
}


@pytest.fixture
def busy(version, org_a, delegate_a, focal_a, facilitator):
    """Something on every page: a submitted amendment and a draft, an accreditation request, a
    silence broken on OP 26, a reading held and closed."""
    paragraph = version.paragraphs.get(label="26")
    common = {"version": version, "paragraph": paragraph, "organisation": org_a}
    Entry.objects.create(
        **common,
        author=delegate_a.user,
        kind="amendment",
        status="submitted",
        text="Name the groups.",
        proposed_text=paragraph.text.replace("other groups", "women, youth and other groups"),
        submitted_at=timezone.now(),
    )
    Entry.objects.create(**common, author=focal_a.user, kind="comment", text="Draft, not sent.")
    accreditation_request(version.consultation)
    under = silence.start(
        version, deadline=timezone.now() + timedelta(hours=72), user=facilitator.user
    )
    silence.break_silence(
        under,
        membership=focal_a.user.memberships.get(),
        paragraph=paragraph,
        reason="The list should name persons with disabilities.",
    )
    request = RequestFactory().post("/")
    request.user = facilitator.user
    room.close_reading(room.open_reading(version, request=request), request=request)
    return paragraph


def visit(page, path, paragraph):
    if path == "panel":
        page.goto("/c/wsis20/")
        page.click("#OP26 .panel-link")
        page.locator("#panel-OP26 .panel-heading").wait_for()
    elif path == "paragraph":
        page.goto(f"/entries/p/{paragraph.pk}/")
    else:
        page.goto(path)


@pytest.mark.parametrize("persona", PAGES)
def test_no_page_scrolls_sideways_and_every_target_is_44_px(request, new_page, busy, persona):
    user = request.getfixturevalue(persona).user if persona != "anonymous" else None
    page = new_page(user, **PHONE)
    assert page.evaluate("matchMedia('(max-width: 48rem)').matches")
    problems = []
    for path in PAGES[persona]:
        visit(page, path, busy)
        width, viewport = page.evaluate(SIDEWAYS)
        if width > viewport:
            problems.append(f"{path}: {width} px wide in a {viewport} px screen")
        problems += [f"{path}: {small}" for small in page.evaluate(SMALL_TARGETS, TARGETS)]
    assert problems == []


def test_the_reader_shows_the_text_first_and_the_contents_in_a_drawer(new_page, version):
    page = new_page(**PHONE)
    page.goto("/c/wsis20/")
    contents = page.locator(".toc-drawer ol")
    assert not contents.is_visible()
    for first in ("#draft-title", "#PPA .text"):
        box = page.locator(first).bounding_box()
        assert box["y"] + box["height"] <= 844, first
    page.click(".toc-drawer summary")
    page.click(".toc-drawer a:has-text('Bridging digital divides')")
    page.wait_for_url("**#section-4")
    assert page.locator("#section-4-h").bounding_box()["y"] < 844

    wide = new_page()
    wide.goto("/c/wsis20/")
    assert wide.locator(".toc-drawer ol").is_visible()  # beside the text, with nothing to open


@pytest.mark.parametrize("drawer", ["closed", "open"])
def test_the_reader_on_a_phone_is_accessible(new_page, version, drawer):
    page = new_page(bypass_csp=True, **PHONE)
    page.goto("/c/wsis20/")
    if drawer == "open":
        page.click(".toc-drawer summary")
    assert_accessible(page)


def test_the_moderation_queue_on_a_phone_is_accessible(new_page, busy, facilitator):
    page = new_page(facilitator.user, bypass_csp=True, **PHONE)
    page.goto("/moderation/wsis20/")
    assert page.locator(".queue-table tbody tr").count() == 1
    assert_accessible(page)
