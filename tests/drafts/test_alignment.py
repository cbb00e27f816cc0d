"""The aligner against the Rev.1 fixture, and entries following their paragraphs into it."""

import pytest
from django.utils import timezone

from tests.comments.conftest import make_entry
from tests.conftest import parsed
from tests.drafts.conftest import REV1
from wsis.comments.carry import carried_entries_for_version, orphaned_entries
from wsis.comments.models import Entry
from wsis.comments.outcomes import suggest_outcomes
from wsis.drafts.alignment import align, part_of
from wsis.drafts.demo import ZERO_DRAFT
from wsis.drafts.importer import parse
from wsis.drafts.models import ParagraphLink
from wsis.drafts.services import import_revision, publish_version


def carried_entries(paragraph, entries=None):
    return carried_entries_for_version(paragraph.version, entries)[0].get(paragraph.pk, [])


def labelled(draft):
    return [
        (("PP " if p.kind == "preambular" else "OP ") + p.label, p.text) for p in draft.paragraphs
    ]


@pytest.fixture(scope="module")
def matches():
    old, new = labelled(parsed(ZERO_DRAFT)), labelled(parsed(REV1))
    return [
        (
            m.kind,
            old[m.old][0] if m.old is not None else None,
            new[m.new][0] if m.new is not None else None,
            m.score,
        )
        for m in align(old, new)
    ]


def changes(matches):
    return {
        (kind, old, new) for kind, old, new, _ in matches if kind not in ("unchanged", "renumbered")
    }


def test_it_finds_every_change_of_rev1(matches):
    assert changes(matches) == {
        ("edited", "PP C", "PP C"),
        ("deleted", "OP 7", None),
        ("split", "OP 12", "OP 11"),
        ("split", "OP 12", "OP 12"),
        ("moved", "OP 19", "OP 142"),
        ("merged", "OP 22", "OP 21"),
        ("merged", "OP 23", "OP 21"),
        ("edited", "OP 26", "OP 24"),
        ("new", None, "OP 28"),
        ("edited", "OP 44", "OP 43"),
    }


def test_it_renumbers_what_follows_the_deletion(matches):
    pairs = {old: new for kind, old, new, _ in matches if kind == "renumbered"}
    assert pairs["OP 8"] == "OP 7"
    assert pairs["OP 30"] == "OP 29"  # after a deletion, a split, a merge and a new paragraph
    assert pairs["OP 142"] == "OP 141"
    unchanged = [old for kind, old, new, _ in matches if kind == "unchanged"]
    assert "OP 6" in unchanged and "PP A" in unchanged and "OP 8" not in unchanged
    assert "OP 143" in unchanged  # OP 19 moved in before it, so its number is back


def test_every_paragraph_is_accounted_for_once(matches):
    old = [o for kind, o, _, _ in matches if o is not None and kind not in ("split",)]
    new = [n for kind, _, n, _ in matches if n is not None and kind not in ("merged",)]
    assert len(set(old)) == len(old) and len(set(new)) == len(new)
    assert len({o for _, o, _, _ in matches if o}) == 155
    assert len({n for _, _, n, _ in matches if n}) == 155


def test_scores_say_how_similar(matches):
    score = {(old, new): s for _, old, new, s in matches}
    assert score["OP 8", "OP 7"] == 1.0
    assert 0.7 < score["OP 26", "OP 24"] < 0.95  # the UPU's added clause
    assert score["OP 7", None] == 0.0


def test_the_order_is_the_new_documents_with_deletions_in_place(matches):
    position = [(kind, old, new) for kind, old, new, _ in matches]
    deleted = position.index(("deleted", "OP 7", None))
    assert position[deleted - 1][2] == "OP 6" and position[deleted + 1][2] == "OP 7"


def test_a_paragraph_rewritten_in_place_is_edited_not_deleted_and_new():
    old = [
        ("1", "alpha beta gamma delta epsilon"),
        ("2", "one two three four five six"),
        ("3", "zeta eta theta iota kappa"),
    ]
    new = [
        ("1", "alpha beta gamma delta epsilon"),
        ("2", "one two seven eight nine ten"),
        ("3", "zeta eta theta iota kappa"),
    ]
    kinds = [(m.kind, m.old, m.new) for m in align(old, new)]
    assert ("edited", 1, 1) in kinds


def test_a_split_part_is_compared_with_its_own_half():
    whole = "We note this thing here. Bridging them requires measures of many kinds."
    assert part_of(whole, "Bridging these divides requires measures of many kinds.") == (
        "Bridging them requires measures of many kinds."
    )


def test_six_hundred_paragraphs_align():
    # How long it takes is measured by `make bench` (bench/bench_alignment.py), not here.
    from bench.bench_alignment import synthetic_versions

    old, new = synthetic_versions(600)
    result = align(old, new)
    assert sum(1 for m in result if m.kind in ("unchanged", "renumbered")) > 500


# The database side.


@pytest.mark.django_db
def test_importing_a_second_version_stores_the_suggestion(rev1):
    assert rev1.is_preparing
    links = rev1.links.all()
    assert links.count() == 157  # 155 paragraphs, a deleted one, a second part of a merge
    assert not links.filter(confirmed=True).exists()
    moved = links.get(kind=ParagraphLink.Kind.MOVED)
    assert (moved.source.label, moved.target.label) == ("19", "142")
    assert rev1.consultation.current_version().label == "Zero draft"


@pytest.mark.django_db
def test_entries_follow_their_paragraphs(published_rev1, zero_entries):
    carried, orphaned = carried_entries_for_version(published_rev1)
    by_label = {
        published_rev1.paragraphs.get(pk=pk).label: {c.entry.pk for c in items}
        for pk, items in carried.items()
    }
    e = {name: entry.pk for name, entry in zero_entries.items()}
    assert by_label["24"] == {e["upu26"]}
    assert by_label["43"] == {e["upu44"]}
    assert by_label["75"] == {e["upu76"]}
    assert by_label["11"] == by_label["12"] == {e["ken12"]}  # both parts of the split
    assert by_label["21"] == {e["ken22"], e["ken23"]}  # the merge
    assert by_label["142"] == {e["ken19"]}  # moved
    assert by_label["39"] == {e["ken40"]}  # renumbered; the draft entry is not carried
    assert {c.entry.pk for c in orphaned} == {e["ken7"], e["ken7_deletion"]}
    assert all(
        c.orphaned and c.made_on == {"version": "Zero draft", "label": "OP 7"} for c in orphaned
    )


@pytest.mark.django_db
def test_carried_entries_are_labelled_and_flagged(published_rev1, zero_entries):
    upu = carried_entries(published_rev1.paragraphs.get(label="24"))
    assert len(upu) == 1
    assert upu[0].made_on == {"version": "Zero draft", "label": "OP 26"}
    assert upu[0].changed is True
    renumbered = carried_entries(published_rev1.paragraphs.get(label="39"))
    assert renumbered[0].made_on == {"version": "Zero draft", "label": "OP 40"}
    assert renumbered[0].changed is False
    assert carried_entries(published_rev1.paragraphs.get(label="28")) == []  # new


@pytest.mark.django_db
def test_carried_entries_can_be_limited_to_what_a_user_sees(published_rev1, zero_entries, org_a):
    mine = Entry.objects.filter(organisation=org_a)
    paragraph = published_rev1.paragraphs.get(label="39")
    assert {c.entry.pk for c in carried_entries(paragraph, mine)} == {
        zero_entries["ken40"].pk,
        zero_entries["ken_draft"].pk,
    }
    assert orphaned_entries(published_rev1, Entry.objects.filter(organisation__acronym="UPU")) == []


@pytest.mark.django_db
def test_a_paragraph_holds_the_entries_carried_to_it(published_rev1, zero_entries):
    carried, _ = carried_entries_for_version(published_rev1, Entry.objects.all())
    for paragraph in published_rev1.paragraphs.all():
        followed = Entry.objects.on_paragraph(paragraph).exclude(paragraph=paragraph)
        assert {e.pk for e in followed} == {c.entry.pk for c in carried.get(paragraph.pk, [])}


@pytest.mark.django_db
def test_entries_follow_through_two_revisions(published_rev1, zero_entries):
    text = REV1.read_text().replace("- 24. We are further concerned", "- 24. We are also concerned")
    draft = parse(text)
    rev2 = import_revision(published_rev1.consultation, "Rev.2", draft)
    rev2.links.update(confirmed=True)
    publish_version(rev2, closes_at=timezone.now() + timezone.timedelta(days=3))
    carried = carried_entries(rev2.paragraphs.get(label="24"))
    assert [c.made_on for c in carried] == [{"version": "Zero draft", "label": "OP 26"}]
    assert {c.entry.pk for c in orphaned_entries(rev2)} == {
        zero_entries["ken7"].pk,
        zero_entries["ken7_deletion"].pk,
    }


def test_copies_of_a_draft_are_told_apart_by_their_few_distinct_words():
    from bench.bench_alignment import _all_edited, synthetic_versions

    old, new = synthetic_versions(600)
    edited = _all_edited(new)
    wrong = [
        (old[m.old][0], new[m.new][0])
        for m in align(old, edited)
        if m.old is not None and m.new is not None
        if old[m.old][0].split(".")[0] != new[m.new][0].split(".")[0]
    ]
    assert wrong == []


@pytest.mark.django_db
def test_a_proposed_new_paragraph_is_found_among_the_new_paragraphs(
    published_rev1, version, org_a, focal_a
):
    new_text = published_rev1.paragraphs.get(label="28").text
    proposal = make_entry(
        version,
        org_a,
        focal_a.user,
        "29",
        kind=Entry.Kind.NEW_PARAGRAPH,
        proposed_text=new_text.replace("design", "planning"),
        status=Entry.Status.SUBMITTED,
    )
    [suggestion] = [s for s in suggest_outcomes(published_rev1) if s.entry == proposal]
    assert suggestion.outcome == Entry.Decision.INCORPORATED
