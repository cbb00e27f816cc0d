"""The header in a browser (#19): one row on a 1280 px screen, with the consultation and version
in view and every link; two rows at 1024 px, never sideways; the account's links behind the
person's name."""

import pytest

from tests.conftest import accreditation_request
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The demo's title, long enough to have to give way.
TITLE = "WSIS+20 review: outcome resolution of the General Assembly"
ROW = 48  # px: one row of links, with the person's name over their organisation
SIDEWAYS = "[document.documentElement.scrollWidth, window.innerWidth]"


@pytest.fixture
def long_title(version):
    version.consultation.title = TITLE
    version.consultation.save()
    # A request waiting: the facilitator's longest bar, with its count.
    accreditation_request(version.consultation)


def links_in_view(page) -> list[str]:
    """The header's links and buttons that are cut off or outside the window."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.site-header a, .site-header summary')]
          .filter(el => el.checkVisibility())
          .filter(el => { const r = el.getBoundingClientRect();
                          return r.left < 0 || r.right > window.innerWidth; })
          .map(el => el.textContent.trim())"""
    )


@pytest.mark.parametrize("persona", ["facilitator", "focal_a", "delegate_a"])
def test_on_a_desktop_the_header_is_one_row(request, new_page, long_title, persona):
    page = new_page(request.getfixturevalue(persona).user, bypass_csp=True)
    page.goto("/c/wsis20/")
    assert page.locator(".site-header").bounding_box()["height"] <= ROW
    assert links_in_view(page) == []
    assert page.evaluate(SIDEWAYS) == [1280, 1280]
    in_view = page.locator(".in-view")
    assert in_view.locator(".in-view-version").inner_text() == "Zero draft"
    assert in_view.locator(".in-view-title").is_visible()
    # Cut short on screen, whole in its title and for screen readers.
    assert in_view.get_attribute("title") == f"{TITLE} · Zero draft"
    assert TITLE in in_view.text_content()
    screenshot(page, f"header-{persona}-1280")


@pytest.mark.parametrize("persona", ["facilitator", "focal_a"])
def test_at_1024_px_the_links_take_a_second_row(request, new_page, long_title, persona):
    user = request.getfixturevalue(persona).user
    page = new_page(user, viewport={"width": 1024, "height": 768}, bypass_csp=True)
    page.goto("/c/wsis20/")
    assert ROW < page.locator(".site-header").bounding_box()["height"] <= 2 * ROW
    assert links_in_view(page) == []
    assert page.evaluate(SIDEWAYS) == [1024, 1024]
    screenshot(page, f"header-{persona}-1024")


def test_the_account_links_open_from_the_persons_name(new_page, focal_a, long_title):
    page = new_page(focal_a.user, bypass_csp=True)
    page.goto("/c/wsis20/")
    name = page.locator(".account-menu > summary")
    assert "Acting for: KEN" in name.inner_text()
    account = page.locator(".site-nav").get_by_role("link", name="Account")
    assert not account.is_visible()
    name.click()
    account.wait_for()
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert_accessible(page)
    screenshot(page, "header-account-menu")
    account.click()
    page.wait_for_url("**/stakeholders/account/")
