"""The search itself: the version's language, ranking, highlighting, the GIN indexes."""

import pytest
from django.db import connection, transaction

from tests.search.conftest import entry
from wsis.comments.models import SEARCHED_FIELDS, Entry
from wsis.drafts.models import search_config
from wsis.search.query import Filters, Results, Search, visible_entries


@pytest.mark.parametrize(
    ("language", "config"),
    [
        ("English", "english"),
        ("", "english"),
        ("Français", "french"),
        ("french", "french"),
        ("Spanish", "spanish"),
        ("Español", "spanish"),
        (" Russian ", "russian"),
        ("Русский", "russian"),
        ("Arabic", "simple"),
        ("Chinese", "simple"),
    ],
)
def test_the_configuration_follows_the_version_language(language, config):
    assert search_config(language) == config


def labels(search):
    return [p.label for p in search.paragraphs()]


def test_words_are_found_in_their_other_forms(version):
    # OP 6 says "connectivity", OP 32 "connect".
    found = labels(Search(version, "connected"))
    assert {"6", "32"} <= set(found)


def test_a_french_version_is_searched_with_french_stemming(version, org_b, delegate_b):
    entry(version, org_b, delegate_b.user, "Les politiques nationales de connexion.")
    english = Search(version, "national").entries(Entry.objects.all())
    assert not english.exists()  # English stems "national" to "nation", "nationales" stays
    version.original_language = "Français"
    french = Search(version, "national").entries(Entry.objects.all())
    assert french.get().text.startswith("Les politiques")


def test_quoted_phrases_and_exclusions(version):
    phrase = set(labels(Search(version, '"digital divides"')))
    words = set(labels(Search(version, "digital divides")))
    assert phrase and phrase < words
    without = set(labels(Search(version, "digital -divides")))
    assert without and without <= set(labels(Search(version, "digital")))
    assert not without & set(labels(Search(version, "divides")))


def test_more_matches_rank_higher(version, org_b, delegate_b):
    user = delegate_b.user
    once = entry(version, org_b, user, "A zeppelin, once, among many other words said here.")
    thrice = entry(version, org_b, user, "Zeppelin here, zeppelin there, zeppelin everywhere.")
    found = list(Search(version, "zeppelin").entries(Entry.objects.all()))
    assert found == [thrice, once]
    assert found[0].rank > found[1].rank


def passages(version, user, rf, words):
    found = Search(version, words)
    request = rf.get("/")
    request.user = user
    results = Results(found, found.paragraphs(), found.entries(visible_entries(request)))
    return [row.passage for row in results[0:20]]


def test_a_passage_is_escaped_and_only_its_matches_marked(version, org_b, delegate_b, rf):
    entry(version, org_b, delegate_b.user, "If 5 < 6 & \"a\" > 'b', then zeppelin.")
    assert passages(version, delegate_b.user, rf, "zeppelin") == [
        "If 5 &lt; 6 &amp; &quot;a&quot; &gt; &#x27;b&#x27;, then <mark>zeppelin</mark>."
    ]


def test_markup_in_a_text_never_reaches_the_page_as_markup(version, org_b, delegate_b, rf):
    # PostgreSQL's parser reads <b> as a tag, which a passage leaves out; the text is whole on
    # the entry's page.
    entry(version, org_b, delegate_b.user, "<script>alert(1)</script> <b>zeppelin</b> now.")
    (passage,) = passages(version, delegate_b.user, rf, "zeppelin")
    assert "<mark>zeppelin</mark>" in passage
    assert passage.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_typed_markers_stay_text(version, org_b, delegate_b):
    """Whatever marks a match is chosen anew for each search: no text can hold it."""
    one, other = Search(version, "zeppelin"), Search(version, "zeppelin")
    assert one.start != other.start
    assert one.highlighted("<mark>x</mark>", "<mark>x</mark>") == "&lt;mark&gt;x&lt;/mark&gt;"


def test_a_passage_cut_from_a_longer_text_says_so(version):
    found = Search(version, "zeppelin")
    marked = f"the {found.start}zeppelin{found.stop} flies over"
    whole = "Long ago and far away the zeppelin flies over the hills and the sea."
    assert found.highlighted(marked, whole) == "… the <mark>zeppelin</mark> flies over …"
    assert found.highlighted(marked, "the zeppelin flies over") == (
        "the <mark>zeppelin</mark> flies over"
    )


def test_filters_by_kind_leave_paragraphs_out_for_entry_kinds(version):
    assert labels(Search(version, "digital", Filters(kind="operative")))
    assert not labels(Search(version, "digital", Filters(kind="comment")))
    preambular = labels(Search(version, "digital", Filters(kind="preambular")))
    assert preambular and all(
        version.paragraphs.get(label=label).kind == "preambular" for label in preambular
    )


def plan(queryset) -> str:
    """The plan PostgreSQL picks when a table scan is not an option, as it is not on a large
    table (``bench/bench_search.py`` shows one): whether the query can reach the index."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


@pytest.mark.parametrize(("language", "config"), [("English", "english"), ("French", "french")])
def test_each_entry_search_matches_the_gin_index_of_its_configuration(version, language, config):
    version.original_language = language
    found = Search(version, "digital")
    entries = plan(found.matching(Entry.objects.order_by(), *SEARCHED_FIELDS))
    assert f"Bitmap Index Scan on entry_search_{config}" in entries
