"""The search page: the form, the results and their links, pages, filters, bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.search.conftest import entry, search
from wsis.drafts.models import Version
from wsis.search.views import PAGE_SIZE


def test_without_words_it_shows_the_form_and_a_hint(anonymous, version):
    response = search(anonymous, version.consultation)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="search"' in html and "Type a few words" in html
    assert "results" not in response.context


def test_it_works_without_the_trailing_slash(anonymous, version):
    response = anonymous.get(f"/c/{version.consultation.slug}/search?q=digital")
    assert response.status_code == 301
    assert response["Location"] == f"/c/{version.consultation.slug}/search/?q=digital"


def test_results_link_to_the_reader_anchor_and_the_panel(anonymous, version, org_b, delegate_b):
    found = entry(version, org_b, delegate_b.user, "Zeppelin networks.", label="26")
    html = search(anonymous, version.consultation, q="connectivity or zeppelin").content
    html = html.decode()
    op26 = version.paragraphs.get(label="26")
    assert '<a href="/c/wsis20/#OP26"><strong>OP 26</strong></a>' in html
    assert f'href="{reverse("comments:panel", args=[op26.pk])}"' in html
    assert f'href="{reverse("comments:entry", args=[found.pk])}"' in html
    assert f'href="{reverse("comments:panel", args=[op26.pk])}#entry-{found.pk}"' in html
    # Paragraphs first, then entries.
    assert html.index('id="found-paragraphs"') < html.index('id="found-entries"')


def test_an_earlier_version_links_to_its_own_reader(anonymous, version):
    version.status = Version.Status.SUPERSEDED
    version.save()
    later = Version.objects.create(consultation=version.consultation, label="Rev.1", order=9)
    later.sections.create(heading="Only", order=1)
    html = search(anonymous, version.consultation, q="connectivity", version="Zero draft").content
    assert b'href="/c/wsis20/v/Zero%20draft/#OP26"' in html


def test_the_search_keeps_to_the_version_shown(anonymous, version):
    form = search(anonymous, version.consultation, q="digital").context["form"]
    assert form["version"].value() == "Zero draft"


@pytest.mark.parametrize(
    ("params", "paragraphs", "entries"),
    [
        ({}, True, {"KEN", "UPU"}),
        ({"kind": "operative"}, True, {"KEN", "UPU"}),
        ({"kind": "preambular"}, True, set()),
        ({"kind": "amendment"}, False, {"KEN"}),
        ({"kind": "comment"}, False, {"UPU"}),
        ({"organisation": "UPU"}, False, {"UPU"}),
        ({"group": "member_state"}, False, {"KEN"}),
        ({"group": "civil_society"}, False, set()),
    ],
)
def test_each_filter(anonymous, version, org_a, org_b, delegate_a, delegate_b, params,
                     paragraphs, entries):  # fmt: skip
    entry(version, org_a, delegate_a.user, "Digital target.", kind="amendment", label="29")
    entry(version, org_b, delegate_b.user, "Digital post offices.", label="26")
    response = search(anonymous, version.consultation, q="digital", **params)
    results = response.context["results"]
    assert bool(results.paragraph_count) == paragraphs
    assert {e.organisation.acronym for e in results.entries} == entries
    if params.get("kind") in ("operative", "preambular"):
        assert {p.kind for p in results.paragraphs} == {params["kind"]}


def test_the_section_filter(anonymous, version, org_b, delegate_b):
    op26 = version.paragraphs.get(label="26")
    entry(version, org_b, delegate_b.user, "Digital post offices.", label="26")
    entry(version, org_b, delegate_b.user, "Digital schools.", label="44")
    response = search(anonymous, version.consultation, q="digital", section=op26.section_id)
    results = response.context["results"]
    assert {p.section_id for p in results.paragraphs} == {op26.section_id}
    assert [e.paragraph.label for e in results.entries] == ["26"]


def test_a_search_too_long_is_refused_with_a_message_and_kept(anonymous, version):
    words = "digital " * 30
    html = search(anonymous, version.consultation, q=words).content.decode()
    assert "Search for at most 200 characters (this has 239)" in html
    assert f'value="{words}"' in html
    assert "result" not in html.split("</form>")[1]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"section": "999999"}, "“999999” is not one of them"),
        ({"kind": "poem"}, "“poem” is not one of them"),
        ({"group": "nobody"}, "“nobody” is not one of them"),
        ({"q": "digital\x00"}, "invisible control characters"),
        ({"q": "digital\x07"}, "invisible control characters"),
    ],
)
def test_bad_filters_are_named_and_nothing_is_searched(anonymous, version, params, message):
    response = search(anonymous, version.consultation, **{"q": "digital"} | params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "results" not in response.context


def test_an_unknown_version_is_not_found(anonymous, version):
    assert search(anonymous, version.consultation, q="x", version="Rev.9").status_code == 404


def test_only_stop_words_find_nothing_and_say_why(anonymous, version):
    html = search(anonymous, version.consultation, q="the of").content.decode()
    assert "0 results" in html and "very common words" in html


def test_results_come_in_pages(anonymous, version, org_b, delegate_b):
    for n in range(PAGE_SIZE + 5):
        entry(version, org_b, delegate_b.user, f"Zeppelin number {n}.")
    first = search(anonymous, version.consultation, q="zeppelin")
    assert len(first.context["entries"]) == PAGE_SIZE
    assert b"page 1 of 2" in first.content and b'rel="next"' in first.content
    second = search(anonymous, version.consultation, q="zeppelin", page="2")
    assert len(second.context["entries"]) == 5
    assert not {e.pk for e in first.context["entries"]} & {e.pk for e in second.context["entries"]}


def test_a_page_straddles_the_paragraphs_and_the_entries(anonymous, version, org_b, delegate_b):
    for n in range(PAGE_SIZE):
        entry(version, org_b, delegate_b.user, f"Connectivity number {n}.")
    first = search(anonymous, version.consultation, q="connectivity").context
    paragraphs = first["results"].paragraph_count
    assert len(first["paragraphs"]) == paragraphs
    assert len(first["entries"]) == PAGE_SIZE - paragraphs
    second = search(anonymous, version.consultation, q="connectivity", page="2").context
    assert second["paragraphs"] == [] and len(second["entries"]) == paragraphs


def queries(client, version, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert search(client, version.consultation, **params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["anonymous", "delegate_a", "facilitator"])
def test_the_queries_do_not_grow_with_the_results(request, persona, version, org_b, delegate_b):
    client = request.getfixturevalue(persona)
    entry(version, org_b, delegate_b.user, "Zeppelin.")
    queries(client, version, q="zeppelin")  # the person's header state, read once and cached
    few = queries(client, version, q="zeppelin")
    for n in range(PAGE_SIZE + 5):
        entry(version, org_b, delegate_b.user, f"Zeppelin number {n}.", label=str(20 + n % 9))
    assert queries(client, version, q="zeppelin") == few


@pytest.mark.parametrize(
    ("params", "folded"),
    [
        ({}, True),
        ({"q": "x" * 201}, True),
        ({"kind": "operative"}, False),
        ({"section": "999999"}, False),
        ({"version": "Zero draft"}, True),  # the current one: nothing narrowed
    ],
)
def test_the_filters_are_folded_until_one_is_used(anonymous, version, params, folded):
    html = search(anonymous, version.consultation, **{"q": "digital"} | params).content.decode()
    assert ('<details class="search-more">' in html) == folded
    assert ('<details class="search-more" open>' in html) != folded
