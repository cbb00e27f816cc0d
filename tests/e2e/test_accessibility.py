"""No axe-core violations (WCAG 2.2 A and AA) on the main pages, at desktop and phone widths."""

import pytest

from tests.e2e.axe import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_reader_is_accessible(new_page, version, viewport):
    page = new_page(bypass_csp=True, **({"viewport": viewport} if viewport else {}))
    page.goto("/c/wsis20/")
    assert_accessible(page)


def test_the_sign_in_page_is_accessible(new_page, db):
    page = new_page(bypass_csp=True)
    page.goto("/signin/")
    assert_accessible(page)


def test_the_reader_is_accessible_signed_in(new_page, delegate_a, version):
    page = new_page(delegate_a.user, bypass_csp=True)
    page.goto("/c/wsis20/")
    assert_accessible(page)


def test_the_sign_in_form_works_with_the_keyboard_alone(new_page, delegate_a, version):
    page = new_page()
    page.goto("/c/wsis20/")
    page.keyboard.press("Tab")  # the skip link comes first, and shows when focused
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").bounding_box()["x"] >= 0
    page.goto("/signin/?next=/c/wsis20/")
    assert page.evaluate("document.activeElement.id") == "id_username"  # autofocus
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url("**/c/wsis20/")
    assert "alice" in page.locator(".site-nav").inner_text()


def test_an_open_paragraph_panel_is_accessible(new_page, delegate_a, version):
    page = new_page(delegate_a.user, bypass_csp=True)
    page.goto("/c/wsis20/")
    page.click("#OP26 .panel-link")  # swapped in by htmx
    page.locator("#panel-OP26 details.add-amendment").wait_for()
    assert_accessible(page)


MAIN_PAGES = [
    ("focal_a", "/c/wsis20/our-entries/"),
    ("focal_a", "/c/wsis20/our-submission/"),
    ("focal_a", "/stakeholders/people/"),
    ("focal_a", "/stakeholders/account/"),
    ("facilitator", "/moderation/wsis20/"),
    ("facilitator", "/moderation/wsis20/overview/"),
    ("facilitator", "/moderation/wsis20/round/"),
    ("facilitator", "/moderation/wsis20/p/OP26/"),
    ("facilitator", "/reports/wsis20/v/Zero%20draft/"),
    ("facilitator", "/stakeholders/wsis20/requests/"),
    ("facilitator", "/c/wsis20/revisions/new/"),
    ("anonymous", "/c/wsis20/compare/"),
    ("anonymous", "/stakeholders/wsis20/join/"),
]


@pytest.mark.parametrize(("persona", "path"), MAIN_PAGES)
def test_every_main_page_is_accessible(request, new_page, version, persona, path):
    user = request.getfixturevalue(persona).user
    page = new_page(user, bypass_csp=True)
    page.goto(path)
    assert_accessible(page)
