import pytest

from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reads_the_draft_and_follows_a_paragraph_link(new_page, version):
    page = new_page()
    page.goto("/c/wsis20/#OP26")
    assert page.locator(".paragraph").count() == 155
    assert page.locator("#OP26 .text").inner_text().startswith("We are further concerned")
    page.click(".toc a[href='#OP44']")
    assert page.url.endswith("#OP44")
    screenshot(page, "reader")


def test_a_delegate_signs_in_and_sees_their_name(new_page, delegate_a, version):
    page = new_page(delegate_a.user)
    page.goto("/c/wsis20/")
    assert "alice" in page.locator(".site-nav").inner_text()
