"""The search page in a browser: the form works without JavaScript, results are marked and
link to the paragraph in the reader, and the page is accessible at desktop and phone widths."""

import pytest

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import screenshot
from tests.search.conftest import entry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def written(version, org_a, org_b, delegate_a, delegate_b):
    entry(version, org_b, delegate_b.user, "Post offices bring digital connectivity to all.")
    entry(version, org_a, delegate_a.user, "Our draft on connectivity.", status="draft",
          moderation="pending")  # fmt: skip


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_search_from_the_form_is_accessible(new_page, written, viewport):
    page = new_page(bypass_csp=True, java_script_enabled=False,
                    **({"viewport": viewport} if viewport else {}))  # fmt: skip
    page.goto("/c/wsis20/search/")
    page.fill("input[name=q]", "connectivity")
    page.locator("main summary").click()  # the filters, folded while none is used
    page.select_option("select[name=kind]", "operative")
    page.click(".search-box button[type=submit]")
    page.wait_for_url("**/search/?q=connectivity*kind=operative*")
    assert page.locator("#found-paragraphs").is_visible()
    assert page.locator("mark", has_text="connectivity").count() >= 2
    # The draft is Kenya's: an anonymous reader finds the published entry only.
    assert "Our draft" not in page.content()
    screenshot(page, f"search-{'phone' if viewport else 'desktop'}")
    # axe-core runs in the page: the same results, with scripts on.
    scripted = new_page(bypass_csp=True, **({"viewport": viewport} if viewport else {}))
    scripted.goto(page.url)
    assert_accessible(scripted)


def test_a_result_opens_the_paragraph_in_the_reader(new_page, written):
    page = new_page()
    page.goto("/c/wsis20/search/?q=%22digital+connectivity%22")
    page.click("[aria-labelledby=found-paragraphs] .result-head a >> nth=0")
    page.wait_for_url("**/c/wsis20/#OP*")
    anchor = page.url.rsplit("#", 1)[1]
    assert page.locator(f"#{anchor}").is_visible()
