import re

import pytest
from django.urls import reverse

from tests.moderation.conftest import facet
from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry

pytestmark = pytest.mark.django_db

URL = reverse("moderation:dashboard", args=["wsis20"])
BULK = reverse("moderation:bulk", args=["wsis20"])


def listed(response):
    return [entry.pk for entry in response.context["page"]]


def test_it_lists_submitted_entries_newest_first(facilitator, entry_a, entry_b, make_entry, org_a):
    make_entry(org_a, status="draft", submitted_at=None)
    response = facilitator.get(URL)
    assert listed(response) == [entry_b.pk, entry_a.pk]


def test_it_filters_from_the_url_and_counts_each_value(
    facilitator, entry_a, entry_b, make_entry, org_a
):
    make_entry(org_a, label="27", kind="comment", proposed_text="", moderation="published")
    response = facilitator.get(URL, {"organisation": "KEN", "moderation": "all"})
    assert len(listed(response)) == 2
    # The organisation facet ignores its own filter, so other organisations still show.
    assert facet(response, "organisation") == {"KEN": 2, "UPU": 1}
    assert facet(response, "moderation")["published"] == 1
    assert facet(response, "moderation")["pending"] == 1
    assert facet(response, "group") == {"member_state": 2}

    response = facilitator.get(URL, {"group": "un_system", "kind": "amendment"})
    assert listed(response) == [entry_b.pk]
    response = facilitator.get(URL, {"paragraph": "27", "moderation": "all"})
    assert len(listed(response)) == 1
    response = facilitator.get(URL, {"moderation": "published", "decision": "open"})
    assert len(listed(response)) == 1
    section = entry_a.paragraph.section.order
    assert len(listed(facilitator.get(URL, {"section": section, "moderation": "all"}))) == 3


def test_it_searches_words_in_the_text(facilitator, entry_a, entry_b):
    assert listed(facilitator.get(URL, {"q": "wholly WORDING"})) == [entry_b.pk]
    assert listed(facilitator.get(URL, {"q": "connectivity"})) == [entry_b.pk, entry_a.pk]
    assert listed(facilitator.get(URL, {"q": "nothing-like-this"})) == []


def test_it_ignores_unknown_filter_values(facilitator, entry_a):
    response = facilitator.get(URL, {"moderation": "bogus", "page": "x"})
    assert response.status_code == 200
    assert listed(response) == []


def test_it_paginates(facilitator, make_entry, org_a):
    for _ in range(55):
        make_entry(org_a)
    first = facilitator.get(URL, {"organisation": "KEN"})
    assert len(listed(first)) == 50
    assert "organisation=KEN&amp;page=2" in first.content.decode()
    second = facilitator.get(URL, {"organisation": "KEN", "page": 2})
    assert len(listed(second)) == 5


def test_it_keeps_the_query_count_flat(
    facilitator, make_entry, org_a, org_b, django_assert_max_num_queries
):
    for i in range(30):
        make_entry(org_a if i % 2 else org_b, label=str(20 + i % 5))
    # Six of them list the versions for the switcher (2) and map where entries sit (4, read
    # once per cache generation: the cache is empty in tests).
    # One more counts the unread notifications in the header.
    with django_assert_max_num_queries(25):
        facilitator.get(URL, {"q": "meaningful", "group": "member_state"})


def test_it_publishes_a_selection_and_reports_what_it_skipped(facilitator, entry_a, entry_b):
    Entry.objects.filter(pk=entry_b.pk).update(moderation="published")
    back = URL + "?organisation=KEN"
    response = facilitator.post(
        BULK, {"entries": [entry_a.pk, entry_b.pk], "action": "publish", "next": back}, follow=True
    )
    assert response.redirect_chain[-1][0] == back
    entry_a.refresh_from_db()
    assert entry_a.moderation == "published"
    text = response.content.decode()
    assert "1 entry published." in text
    assert f"1 skipped (#{entry_b.pk}: already published)" in text
    assert AuditEvent.objects.filter(action="entry.published").count() == 1


def test_it_decides_on_a_mixed_selection(facilitator, entry_a, entry_b, make_entry, org_a):
    comment = make_entry(org_a, kind="comment", proposed_text="")
    Entry.objects.filter(pk=entry_b.pk).update(moderation="rejected")
    response = facilitator.post(
        BULK,
        {
            "entries": [entry_a.pk, entry_b.pk, comment.pk],
            "action": "decide",
            "decision": "incorporated",
            "rationale": "Taken up in Rev.1.",
        },
        follow=True,
    )
    entry_a.refresh_from_db()
    entry_b.refresh_from_db()
    comment.refresh_from_db()
    assert (entry_a.decision, entry_a.decision_rationale) == ("incorporated", "Taken up in Rev.1.")
    assert entry_b.decision == comment.decision == "open"
    text = response.content.decode()
    assert "2 skipped" in text
    assert "a comment takes no decision" in text
    assert "rejected entries take no decision" in text


def test_it_refuses_a_rejection_without_reason_and_keeps_the_selection(
    facilitator, entry_a, entry_b
):
    response = facilitator.post(
        BULK, {"entries": [entry_a.pk], "action": "reject", "rationale": "typed", "next": URL}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Give the reason for rejecting" in text
    assert f'aria-label="Select entry #{entry_a.pk}" checked' in text
    assert 'value="typed"' in text
    entry_a.refresh_from_db()
    assert entry_a.moderation == "pending"


def test_it_rejects_in_bulk_with_a_reason(facilitator, entry_a, entry_b):
    facilitator.post(
        BULK, {"entries": [entry_a.pk, entry_b.pk], "action": "reject", "reason": "Off topic"}
    )
    assert set(Entry.objects.values_list("moderation", "moderation_reason")) == {
        ("rejected", "Off topic")
    }
    assert AuditEvent.objects.filter(action="entry.rejected").count() == 2


def test_it_hides_in_bulk(facilitator, entry_a):
    facilitator.post(BULK, {"entries": [entry_a.pk], "action": "hide"})
    entry_a.refresh_from_db()
    assert entry_a.moderation == "hidden"


def test_it_refuses_an_empty_selection(facilitator, entry_a):
    response = facilitator.post(BULK, {"action": "publish"})
    assert response.status_code == 400
    assert "Tick at least one entry." in response.content.decode()


def test_it_refuses_entries_of_another_version_or_drafts(facilitator, make_entry, org_a):
    draft = make_entry(org_a, status="draft", submitted_at=None)
    response = facilitator.post(BULK, {"entries": [draft.pk], "action": "publish"})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.moderation == "pending"


def test_it_ignores_an_offsite_next(facilitator, entry_a):
    response = facilitator.post(
        BULK, {"entries": [entry_a.pk], "action": "publish", "next": "https://evil.example/"}
    )
    assert response["Location"] == URL


def test_a_refused_bulk_action_keeps_the_queue_to_return_to(facilitator, entry_a):
    """The refused form shows at the bulk action's address, which refuses GET: the form and
    the filter links must still lead back to the queue (found by the hostile-input browser test,
    where the second, corrected submission ended on a 405)."""
    queue = f"{URL}?moderation=pending"
    response = facilitator.post(BULK, {"action": "reject", "next": queue})
    assert response.status_code == 400
    text = response.content.decode()
    assert f'name="next" value="{queue}"' in text
    assert 'href="?' not in text and f'href="{URL}?' in text
    response = facilitator.post(
        BULK, {"entries": [entry_a.pk], "action": "reject", "reason": "Off topic", "next": queue}
    )
    assert response["Location"] == queue


@pytest.mark.parametrize("section", ["abc", "²", "-1", "99999999999999999999"])
def test_a_section_that_is_not_a_number_matches_nothing(facilitator, entry_a, section):
    """Found by tests/test_property_forms.py: the filter was a server error."""
    response = facilitator.get(URL, {"section": section})
    assert response.status_code == 200
    assert listed(response) == []


@pytest.mark.parametrize("param", ["q", "organisation", "paragraph"])
def test_a_nul_in_a_filter_is_dropped(facilitator, entry_a, param):
    """Found by tests/test_property_forms.py: PostgreSQL refused the query, a server error."""
    response = facilitator.get(URL, {param: "\x00"})
    assert response.status_code == 200
    assert listed(response) == [entry_a.pk]


def test_the_queue_opens_on_what_waits_for_review(facilitator, entry_a, entry_b):
    Entry.objects.filter(pk=entry_b.pk).update(moderation="published")
    response = facilitator.get(URL)
    assert listed(response) == [entry_a.pk]
    assert listed(facilitator.get(URL, {"moderation": "all"})) == [entry_b.pk, entry_a.pk]
    page = response.content.decode()
    # Each row shows its change, folded, and a "Publish and next" that works without JavaScript.
    assert '<details class="row-change"><summary>The change</summary>' in page
    assert "Publish and next" in page


def test_publish_and_next_swaps_the_row(facilitator, entry_a, entry_b):
    url = reverse("moderation:moderate", args=["wsis20", entry_a.pk])
    data = {"action": "publish", "row": "1", "next": URL}
    response = facilitator.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<tr class="moderation-published" id="row-{entry_a.pk}"')
    assert "Publish and next" not in row
    entry_a.refresh_from_db()
    assert entry_a.moderation == "published"
    # Without htmx, the same button goes back to the queue, where the next entry waits.
    response = facilitator.post(reverse("moderation:moderate", args=["wsis20", entry_b.pk]), data)
    assert response.status_code == 302 and response["Location"] == URL


def filters_summary(response) -> str:
    """What the folded filters say on a phone, as read."""
    page = response.content.decode()
    found = re.search(r'<span class="fold-state">(.*?)</span>', page, flags=re.S)
    return " ".join(found.group(1).split())


def test_the_folded_filters_say_which_are_on(facilitator, entry_a, entry_b):
    assert filters_summary(facilitator.get(URL)) == ": pending review"
    assert filters_summary(facilitator.get(URL, {"moderation": "all"})) == ": none, every entry"
    response = facilitator.get(URL, {"organisation": "UPU", "kind": "amendment", "q": "wholly"})
    # In the order of the form, each value as its option reads.
    assert filters_summary(response) == (
        ": pending review · amendment · Universal Postal Union · “wholly”"
    )
    # A value no entry has is said as it was asked, and matches nothing.
    response = facilitator.get(URL, {"organisation": "NONE", "moderation": "all"})
    assert filters_summary(response) == ": NONE" and listed(response) == []


def test_the_bulk_actions_open_again_with_a_refused_action(facilitator, entry_a):
    folded = '<details class="fold">\n      <summary>Act on the ticked entries</summary>'
    assert folded in facilitator.get(URL).content.decode()
    response = facilitator.post(BULK, {"entries": [entry_a.pk], "action": "reject", "next": URL})
    assert response.status_code == 400
    assert '<details class="fold" open>\n      <summary>Act on the ticked entries' in (
        response.content.decode()
    )
