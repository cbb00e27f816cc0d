"""Required fields are marked on every form (#19): each field the browser is told is required
(``required``, ``aria-required``) has a visible marker beside its label, every required field
of a Django form is told so, and each form with required fields explains the marker once.

Every page of the authorization matrix that answers 200 is read, as each persona.
"""

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from tests.authz.matrix import PERSONAS
from tests.authz.test_matrix import ROWS, world  # noqa: F401 - the matrix's objects

PAGES = [row for row in ROWS if row.method == "GET"]
MARK = "required-mark"


def problems(page: str) -> list[str]:
    found = []
    tree = lxml_html.fromstring(page)
    for form in tree.iter("form"):
        where = form.get("action") or form.get("id") or "a form"
        needed = [
            element
            for element in form.iter("input", "select", "textarea")
            if element.get("type") != "hidden"
            and (element.get("required") is not None or element.get("aria-required") == "true")
        ]
        if not needed:
            continue
        legends = form.find_class("required-legend")
        if len(legends) != 1:
            found.append(f"{where}: {len(legends)} legends for its required fields")
        for element in needed:
            name = element.get("name")
            if element.get("type") in ("radio", "checkbox"):
                fieldset = next(element.iterancestors("fieldset"), None)
                legend = fieldset.find("legend") if fieldset is not None else None
                if legend is None or not legend.find_class(MARK):
                    found.append(f"{where}: {name} has no marked legend")
                continue
            labels = form.xpath(f'.//label[@for="{element.get("id")}"]')
            if not labels or not labels[0].find_class(MARK):
                found.append(f"{where}: {name} has no marked label")
    return found


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_form_marks_its_required_fields(request, world, persona):  # noqa: F811
    client = request.getfixturevalue(persona)
    found = {}
    for row in PAGES:
        if row.expect[persona] != 200:
            continue
        url = reverse(row.name, args=row.args(world))
        response = client.get(url)
        if response.status_code == 200 and "text/html" in response["Content-Type"]:
            found.update({f"{url}: {p}": None for p in problems(response.content.decode())})
    assert list(found) == [], "\n".join(found)


def test_the_checker_finds_an_unmarked_required_field():
    page = '<form><label for="a">A</label><input id="a" name="a" required></form>'
    assert problems(page) == [
        "a form: 0 legends for its required fields",
        "a form: a has no marked label",
    ]
