"""Every moderation page takes a version (``?version=<label>``, default: the current one) and
shows the entries of earlier versions where they now sit, marked with where they were made.

Rev.1 (tests/drafts/conftest.py) renumbers the zero draft: its OP 26 is Rev.1 OP 24, its OP 7
is deleted, its OP 12 is split into Rev.1 OP 11 and OP 12.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.drafts import conftest as drafts
from tests.moderation.conftest import facet
from wsis.comments.models import Entry
from wsis.drafts.models import Consultation, Version

rev1, published_rev1, zero_entries = drafts.rev1, drafts.published_rev1, drafts.zero_entries

pytestmark = pytest.mark.django_db

QUEUE = reverse("moderation:dashboard", args=["wsis20"])
OVERVIEW = reverse("moderation:overview", args=["wsis20"])
ZERO = {"version": "Zero draft"}


def paragraph_url(label):
    return reverse("moderation:paragraph", args=["wsis20", label])


def listed(response):
    return {entry.pk for entry in response.context["page"]}


def cell(response, anchor):
    return next(
        c
        for block in response.context["sections"]
        for c in block["cells"]
        if c["paragraph"].anchor == anchor
    )


def test_the_queue_of_rev1_shows_the_zero_drafts_entries_where_they_now_sit(
    facilitator, zero_entries, published_rev1
):
    response = facilitator.get(QUEUE, {"moderation": "all"})
    assert response.context["version"] == published_rev1
    submitted = {e.pk for k, e in zero_entries.items() if k != "ken_draft"}
    assert listed(response) == submitted
    row = next(e for e in response.context["page"] if e.pk == zero_entries["upu26"].pk)
    assert [p.display_label for p in row.sits] == ["OP 24"]
    assert row.made_on == {"version": "Zero draft", "label": "OP 26"}
    page = response.content.decode()
    assert "made on Zero draft OP 26" in page
    assert f'href="{paragraph_url("OP24")}"' in page
    split = next(e for e in response.context["page"] if e.pk == zero_entries["ken12"].pk)
    assert [p.display_label for p in split.sits] == ["OP 11", "OP 12"]
    deleted = next(e for e in response.context["page"] if e.pk == zero_entries["ken7"].pk)
    assert deleted.sits == []


def test_the_queue_filters_and_counts_paragraphs_where_entries_now_sit(
    facilitator, zero_entries, published_rev1
):
    response = facilitator.get(QUEUE, {"paragraph": "24", "moderation": "all"})
    assert listed(response) == {zero_entries["upu26"].pk}
    counts = facet(response, "paragraph")
    assert counts["24"] == 1
    assert counts["11"] == counts["12"] == 1  # the split paragraph's comment sits on both
    assert "26" not in counts  # Rev.1 OP 26 took nothing in


def test_the_queue_of_an_older_version_shows_its_own_entries_unmarked(
    facilitator, zero_entries, published_rev1
):
    response = facilitator.get(QUEUE, ZERO | {"moderation": "all"})
    assert response.context["version"].label == "Zero draft"
    assert zero_entries["upu26"].pk in listed(response)
    row = next(e for e in response.context["page"] if e.pk == zero_entries["upu26"].pk)
    assert [p.display_label for p in row.sits] == ["OP 26"]
    assert row.made_on is None
    page = response.content.decode()
    assert "made on" not in page
    # The switcher lists both versions; links keep the version chosen.
    assert [v.label for v in response.context["versions"]] == ["Zero draft", "Rev.1"]
    assert f'href="{paragraph_url("OP26")}?version=Zero+draft"' in page
    assert facet(response, "paragraph")["26"] == 1


def test_entries_made_on_the_current_version_are_its_own(facilitator, version, make_entry, org_a):
    own = make_entry(org_a)
    response = facilitator.get(QUEUE, {"version": version.label, "moderation": "all"})
    assert listed(response) == {own.pk}
    assert response.context["page"][0].made_on is None


@pytest.mark.parametrize("label", ["Rev.9", "Zero draft\x00", "Other draft"])
def test_an_unknown_or_hidden_version_answers_404(facilitator, version, label):
    elsewhere = Consultation.objects.create(slug="other", title="Another process")
    Version.objects.create(consultation=elsewhere, label="Other draft", order=1)
    for url in (QUEUE, OVERVIEW, paragraph_url("OP26")):
        assert facilitator.get(url, {"version": label}).status_code == 404


def test_a_version_in_preparation_is_offered_to_its_facilitators(facilitator, zero_entries, rev1):
    response = facilitator.get(QUEUE, {"moderation": "all"})
    assert response.context["version"].label == "Zero draft"  # still the current one
    assert [v.label for v in response.context["versions"]] == ["Zero draft", "Rev.1"]
    assert "in preparation" in response.content.decode()
    assert facilitator.get(QUEUE, {"version": "Rev.1"}).status_code == 200


def test_the_overview_counts_each_version_where_its_entries_sit(
    facilitator, zero_entries, published_rev1
):
    current = facilitator.get(OVERVIEW)
    assert cell(current, "OP24")["n"] == 1
    assert cell(current, "OP26")["n"] == 0
    assert cell(current, "OP11")["comments"] == cell(current, "OP12")["comments"] == 1
    blocks = {b["group"].code: b for b in current.context["by_group"]}
    assert [o.acronym for o in blocks["un_system"]["submitted"]] == ["UPU"]
    assert blocks["un_system"]["submitted"][0].submitted == 3

    older = facilitator.get(OVERVIEW, ZERO)
    assert cell(older, "OP26")["n"] == 1
    assert cell(older, "OP7")["n"] == 1  # the deletion proposed, on the zero draft's OP 7
    assert f"{paragraph_url('OP26')}?version=Zero+draft" in older.content.decode()


def test_the_paragraph_view_shows_entries_carried_to_it(facilitator, zero_entries, published_rev1):
    response = facilitator.get(paragraph_url("OP24"))
    [card] = response.context["cards"]
    assert card["entry"] == zero_entries["upu26"]
    assert "made on Zero draft OP 26" in response.content.decode()

    older = facilitator.get(paragraph_url("OP26"), ZERO)
    assert [c["entry"] for c in older.context["cards"]] == [zero_entries["upu26"]]
    assert "made on" not in older.content.decode()


def test_a_bulk_action_acts_on_the_version_it_was_ticked_on(
    facilitator, zero_entries, published_rev1
):
    deleted = zero_entries["ken7"]  # its paragraph is gone from Rev.1, not from the zero draft
    next_url = f"{QUEUE}?version=Zero+draft"
    response = facilitator.post(
        reverse("moderation:bulk", args=["wsis20"]),
        {"entries": [deleted.pk], "action": "hide", "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == next_url
    deleted.refresh_from_db()
    assert deleted.moderation == Entry.Moderation.HIDDEN


def _zero_draft_entries(version, org, author, n):
    labels = [p.label for p in version.paragraphs.filter(kind="operative").order_by("order")]
    Entry.objects.bulk_create(
        Entry(
            version=version,
            paragraph=version.paragraphs.get(label="26" if i % 2 else labels[i % 40]),
            organisation=org,
            author=author,
            kind=Entry.Kind.AMENDMENT if i % 3 else Entry.Kind.COMMENT,
            text="Because.",
            proposed_text="Other words." if i % 3 else "",
            status=Entry.Status.SUBMITTED,
        )
        for i in range(n)
    )


@pytest.mark.parametrize(
    "url, limit",
    # Each one more than before the header counted unread notifications; the overview five
    # more for the convergence panel, a paragraph two for its status and its history.
    [(QUEUE, 26), (OVERVIEW, 26), (paragraph_url("OP24"), 23)],
)
def test_pages_of_rev1_keep_the_query_count_flat(
    facilitator,
    version,
    org_a,
    delegate_a,
    published_rev1,
    url,
    limit,
    django_assert_max_num_queries,
):
    # Two sizes, one limit, each counted with the alignment's map not yet cached (the first
    # request of a cache generation).
    _zero_draft_entries(version, org_a, delegate_a.user, 12)
    with django_assert_max_num_queries(limit):
        facilitator.get(url)
    _zero_draft_entries(version, org_a, delegate_a.user, 120)
    cache.clear()
    with django_assert_max_num_queries(limit):
        assert facilitator.get(url).status_code == 200
