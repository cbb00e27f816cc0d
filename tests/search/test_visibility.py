"""A search finds exactly the entries the panels show each reader (``visible_to``): never
another organisation's draft or an unpublished entry, in the results, their passages, their
counts or the list of organisations to filter by."""

import pytest

from tests.conftest import parsed
from tests.search.conftest import search
from wsis.drafts.demo import ZERO_DRAFT
from wsis.drafts.importer import import_draft
from wsis.drafts.models import Version

# Each entry's own word, and who finds it (``entries``).
WORDS = {
    "airship": {"delegate_b"},  # the UPU's draft
    "blimp": {"delegate_b", "facilitator"},  # submitted, waiting for moderation
    "dirigible": {"delegate_b", "facilitator"},  # rejected
    "balloon": {"facilitator"},  # Kenya's entry a facilitator hid
    "glider": {"delegate_b", "facilitator"},  # withdrawn
}
PERSONAS = ["anonymous", "delegate_a", "focal_a", "delegate_b", "facilitator"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("word", WORDS)
def test_each_reader_finds_only_what_their_panels_show(request, entries, persona, word):
    client = request.getfixturevalue(persona)
    response = search(client, entries["published_b"].version.consultation, q=word)
    html = response.content.decode()
    finds = persona in WORDS[word]
    assert response.context["results"].entry_count == (1 if finds else 0)
    assert (f"<mark>{word}</mark>" in html) == finds
    assert ("1 result for" in html) == finds and ("0 results for" in html) != finds


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_draft_shares_its_word_with_a_published_entry_and_only_its_organisation_finds_it(
    request, entries, persona
):
    client = request.getfixturevalue(persona)
    response = search(client, entries["published_b"].version.consultation, q="zeppelin")
    html = response.content.decode()
    ours = persona in ("delegate_a", "focal_a")
    assert response.context["results"].entry_count == (2 if ours else 1)
    assert ("Kenya&#x27;s <mark>zeppelin</mark> draft" in html) == ours
    assert "Postal <mark>zeppelin</mark> networks" in html


def test_our_draft_is_shown_as_a_draft(delegate_a, entries):
    html = search(delegate_a, entries["draft_a"].version.consultation, q="zeppelin").content
    assert b'<span class="badge state-draft">draft</span>' in html


@pytest.mark.parametrize(
    ("persona", "listed"),
    [
        ("anonymous", {"UPU"}),
        ("delegate_a", {"UPU", "KEN"}),
        ("delegate_b", {"UPU"}),
        ("facilitator", {"UPU", "KEN"}),
    ],
)
def test_the_organisations_to_filter_by_are_those_whose_entries_the_reader_sees(
    request, entries, persona, listed
):
    client = request.getfixturevalue(persona)
    form = search(client, entries["draft_a"].version.consultation).context["form"]
    assert set(form.organisations) == listed


def test_filtering_by_an_organisation_whose_entries_we_may_not_see_finds_nothing(
    delegate_b, entries
):
    response = search(delegate_b, entries["draft_a"].version.consultation, q="zeppelin",
                      organisation="KEN")  # fmt: skip
    assert "results" not in response.context
    assert "is not one of them" in response.content.decode()


def test_a_version_in_preparation_is_not_searched_but_by_its_facilitators(
    anonymous, delegate_a, facilitator, version
):
    rev1 = import_draft(version.consultation, "Rev.1", parsed(ZERO_DRAFT))
    rev1.status = Version.Status.PREPARING
    rev1.save()
    for client in (anonymous, delegate_a):
        assert search(client, version.consultation, q="digital", version="Rev.1").status_code == 404
    response = search(facilitator, version.consultation, q="digital", version="Rev.1")
    assert response.status_code == 200 and response.context["version"] == rev1
