"""Composing the next revision from the decisions (``wsis.moderation.compose``), and the
command ``compose_revision``."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry, TakenIn
from wsis.drafts.models import ParagraphLink, Version
from wsis.drafts.services import RevisionError, publish_version
from wsis.moderation.compose import (
    ComposeError,
    compose_revision,
    conflicts,
    edit_paragraph,
    labels_in_sequence,
    letters,
    renumber,
)

pytestmark = pytest.mark.django_db

INCORPORATED = Entry.Decision.INCORPORATED


def decided(entry, decision=INCORPORATED):
    Entry.objects.filter(pk=entry.pk).update(decision=decision, decision_rationale="Agreed.")
    entry.refresh_from_db()
    return entry


def text_of(version, label):
    return version.paragraphs.get(label=label).text


def uptake(version):
    return {
        (row.paragraph.label, row.entry_id, row.how)
        for row in TakenIn.objects.filter(paragraph__version=version).select_related("paragraph")
    }


def test_an_incorporated_amendment_replaces_its_paragraphs_wording(version, make_entry, org_a):
    amendment = decided(make_entry(org_a, "26", proposed_text="Post offices connect everyone."))
    open_one = make_entry(org_a, "27", proposed_text="Not decided yet.")
    composition = compose_revision(version, "Rev.1")
    rev1 = composition.version
    assert rev1.status == Version.Status.PREPARING
    assert rev1.previous() == version
    assert text_of(rev1, "26") == "Post offices connect everyone."
    assert text_of(rev1, "27") == text_of(version, "27")  # an open decision changes nothing
    assert uptake(rev1) == {("26", amendment.pk, TakenIn.How.APPLIED)}
    assert composition.applied == 1 and composition.conflicts == []
    assert open_one.pk not in {row.entry_id for row in TakenIn.objects.all()}
    # The alignment comes from what composing did, confirmed: nothing to guess.
    link = rev1.links.get(target__label="26")
    assert (link.source.label, link.kind, link.confirmed) == ("26", "edited", True)
    assert rev1.links.filter(kind="unchanged").count() == rev1.paragraphs.count() - 1
    event = AuditEvent.objects.get(action="version.composed")
    assert event.data["previous"] == "Zero draft" and event.data["applied"] == 1


def test_a_deletion_removes_the_paragraph_and_later_ones_are_renumbered(version, make_entry, org_a):
    deletion = decided(make_entry(org_a, "7", kind=Entry.Kind.DELETION, proposed_text=""))
    rev1 = compose_revision(version, "Rev.1").version
    assert rev1.paragraphs.count() == version.paragraphs.count() - 1
    assert text_of(rev1, "7") == text_of(version, "8")
    gone = rev1.links.get(kind=ParagraphLink.Kind.DELETED)
    assert gone.source.label == "7" and gone.target is None
    assert rev1.links.get(source__label="8").kind == ParagraphLink.Kind.RENUMBERED
    assert not TakenIn.objects.filter(entry=deletion).exists()  # no paragraph holds it


def test_new_paragraphs_are_inserted_after_theirs_once_per_wording(
    version, make_entry, org_a, org_b, delegate_b
):
    words = "We invite postal operators to serve as digital access points."
    first = decided(make_entry(org_a, "29", kind=Entry.Kind.NEW_PARAGRAPH, proposed_text=words))
    same = decided(
        make_entry(
            org_b, "29", author=delegate_b.user, kind=Entry.Kind.NEW_PARAGRAPH, proposed_text=words
        )
    )
    rev1 = compose_revision(version, "Rev.1").version
    assert text_of(rev1, "30") == words
    assert text_of(rev1, "31") == text_of(version, "30")
    assert uptake(rev1) == {
        ("30", first.pk, TakenIn.How.APPLIED),
        ("30", same.pk, TakenIn.How.APPLIED),
    }
    assert rev1.links.get(target__label="30").kind == ParagraphLink.Kind.NEW


def test_two_wordings_for_one_paragraph_are_a_conflict_never_resolved_silently(
    version, make_entry, org_a, org_b, delegate_b
):
    ours = decided(make_entry(org_a, "26", proposed_text="One wording."))
    theirs = decided(make_entry(org_b, "26", author=delegate_b.user, proposed_text="Another."))
    composition = compose_revision(version, "Rev.1")
    rev1 = composition.version
    assert text_of(rev1, "26") == text_of(version, "26")
    assert [p.label for p in composition.conflicts] == ["26"] == [p.label for p in conflicts(rev1)]
    assert uptake(rev1) == {
        ("26", ours.pk, TakenIn.How.CONFLICT),
        ("26", theirs.pk, TakenIn.How.CONFLICT),
    }
    # Not published while the conflict stands.
    with pytest.raises(RevisionError, match="Proposals on OP 26 are in conflict"):
        publish_version(rev1, closes_at=timezone.now() + timezone.timedelta(days=3))
    # The facilitator writes the wording and keeps one of the two.
    edit_paragraph(rev1.paragraphs.get(label="26"), text="The agreed wording.", keep={ours.pk})
    assert uptake(rev1) == {("26", ours.pk, TakenIn.How.BY_HAND)}
    assert conflicts(rev1) == []
    publish_version(rev1, closes_at=timezone.now() + timezone.timedelta(days=3))


def test_a_wording_and_a_deletion_of_one_paragraph_conflict(version, make_entry, org_a, org_b):
    decided(make_entry(org_a, "26", proposed_text="One wording."))
    decided(make_entry(org_b, "26", kind=Entry.Kind.DELETION, proposed_text=""))
    composition = compose_revision(version, "Rev.1")
    assert [p.label for p in composition.conflicts] == ["26"]
    assert composition.version.paragraphs.count() == version.paragraphs.count()


def test_the_same_wording_twice_is_no_conflict(version, make_entry, org_a, org_b):
    decided(make_entry(org_a, "26", proposed_text="One wording."))
    decided(make_entry(org_b, "26", proposed_text="One  wording. "))
    composition = compose_revision(version, "Rev.1")
    assert composition.conflicts == [] and composition.applied == 2
    assert text_of(composition.version, "26") == "One wording."


def test_partial_decisions_and_comments_are_listed_to_write_in_by_hand(version, make_entry, org_a):
    partial = decided(make_entry(org_a, "44"), Entry.Decision.PARTIAL)
    comment = decided(make_entry(org_a, "45", kind=Entry.Kind.COMMENT, proposed_text=""))
    not_taken = decided(make_entry(org_a, "46"), Entry.Decision.NOT_INCORPORATED)
    composition = compose_revision(version, "Rev.1")
    rev1 = composition.version
    assert text_of(rev1, "44") == text_of(version, "44")
    assert uptake(rev1) == {
        ("44", partial.pk, TakenIn.How.BY_HAND),
        ("45", comment.pk, TakenIn.How.BY_HAND),
    }
    assert composition.by_hand == 2
    assert not TakenIn.objects.filter(entry=not_taken).exists()


def test_rejected_and_hidden_entries_are_never_applied(version, make_entry, org_a):
    decided(make_entry(org_a, "26", moderation=Entry.Moderation.REJECTED))
    decided(make_entry(org_a, "27", moderation=Entry.Moderation.HIDDEN))
    decided(make_entry(org_a, "28", status=Entry.Status.WITHDRAWN))
    rev1 = compose_revision(version, "Rev.1").version
    assert not TakenIn.objects.exists()
    assert all(link.kind == "unchanged" for link in rev1.links.all())


def test_the_next_revision_takes_in_what_the_last_did_not(version, make_entry, org_a, org_b):
    """Entries of an earlier version follow their paragraph; one taken in once is not again."""
    taken = decided(make_entry(org_a, "26", proposed_text="Post offices connect everyone."))
    rev1 = compose_revision(version, "Rev.1").version
    publish_version(rev1, closes_at=timezone.now() + timezone.timedelta(days=3))
    # Decided after Rev.1 was composed: Rev.2 takes it in, on Rev.1 OP 27 where it now sits.
    late = decided(make_entry(org_b, "27", proposed_text="A late wording."))
    rev2 = compose_revision(rev1, "Rev.2").version
    assert uptake(rev2) == {("27", late.pk, TakenIn.How.APPLIED)}
    assert text_of(rev2, "26") == "Post offices connect everyone."
    assert TakenIn.objects.filter(entry=taken).count() == 1


def test_a_wording_made_on_an_earlier_text_is_written_in_by_hand(version, make_entry, org_a, org_b):
    decided(make_entry(org_a, "26", proposed_text="Rev.1's wording."))
    stale = make_entry(org_b, "26", proposed_text="Zero draft wording, amended.")
    rev1 = compose_revision(version, "Rev.1").version
    publish_version(rev1, closes_at=timezone.now() + timezone.timedelta(days=3))
    decided(stale)
    rev2 = compose_revision(rev1, "Rev.2").version
    assert text_of(rev2, "26") == "Rev.1's wording."
    assert uptake(rev2) == {("26", stale.pk, TakenIn.How.BY_HAND)}


def test_it_composes_only_from_the_current_version_one_at_a_time(version, make_entry, org_a):
    compose_revision(version, "Rev.1")
    with pytest.raises(ComposeError, match="Rev.1 is already in preparation"):
        compose_revision(version, "Rev.2")
    rev1 = Version.objects.get(label="Rev.1")
    publish_version(rev1, closes_at=timezone.now() + timezone.timedelta(days=3))
    version.refresh_from_db()
    with pytest.raises(ComposeError, match="Compose from the current version, Rev.1"):
        compose_revision(version, "Rev.2")
    with pytest.raises(ComposeError, match="A version labelled Rev.1 already exists"):
        compose_revision(rev1, "Rev.1")
    with pytest.raises(ComposeError, match="Give the version a label"):
        compose_revision(rev1, "  ")
    with pytest.raises(ComposeError, match="Give the version a label"):
        compose_revision(rev1, "Rev/2")


def test_a_published_version_is_not_edited(version):
    paragraph = version.paragraphs.get(label="26")
    with pytest.raises(ComposeError, match="Zero draft is published"):
        edit_paragraph(paragraph, text="New.", keep=set())
    with pytest.raises(ComposeError, match="Zero draft is published"):
        renumber(version)
    assert version.paragraphs.get(label="26").text == paragraph.text


def test_editing_a_paragraph_updates_its_alignment_and_is_audited(version):
    rev1 = compose_revision(version, "Rev.1").version
    paragraph = rev1.paragraphs.get(label="26")
    with pytest.raises(ComposeError, match="needs its text"):
        edit_paragraph(paragraph, text="  ", keep=set())
    edit_paragraph(paragraph, text="Edited by the co-facilitators.", keep=set())
    assert rev1.links.get(target=paragraph).kind == ParagraphLink.Kind.EDITED
    event = AuditEvent.objects.get(action="paragraph.edited")
    assert event.data["paragraph"] == "OP 26"
    assert event.data["after"] == "Edited by the co-facilitators."


def test_renumbering_labels_paragraphs_in_sequence(version, make_entry, org_a):
    rev1 = compose_revision(version, "Rev.1").version
    # A paragraph labelled by hand out of sequence, as "26 bis" would be.
    rev1.paragraphs.filter(label="27").update(label="26 bis")
    assert renumber(rev1) > 0
    labels = list(rev1.paragraphs.order_by("order").values_list("label", flat=True))
    assert labels[:3] == ["A", "B", "C"] and "27" in labels and "26 bis" not in labels


def test_labels_run_in_letters_then_numbers():
    assert [letters(n) for n in (1, 26, 27, 28, 52, 53)] == ["A", "Z", "AA", "AB", "AZ", "BA"]
    assert labels_in_sequence(["preambular", "preambular", "operative", "operative"]) == [
        "A",
        "B",
        "1",
        "2",
    ]


# The command ----------------------------------------------------------------------------------


def run(capsys, *args):
    capsys.readouterr()
    call_command("compose_revision", "--consultation", "wsis20", *args)
    return capsys.readouterr().out


def test_the_command_composes_and_can_publish(version, make_entry, org_a, capsys):
    decided(make_entry(org_a, "26", proposed_text="Post offices connect everyone."))
    out = run(capsys, "--from", "Zero draft", "--label", "Rev.1", "--publish")
    assert "Composed Rev.1 from Zero draft" in out and "1 proposal applied" in out
    assert "Published Rev.1" in out
    rev1 = Version.objects.get(label="Rev.1")
    assert rev1.status == Version.Status.OPEN
    version.refresh_from_db()
    assert version.status == Version.Status.SUPERSEDED


def test_the_command_refuses_to_publish_conflicts_and_composes_nothing(
    version, make_entry, org_a, org_b, capsys
):
    decided(make_entry(org_a, "26", proposed_text="One wording."))
    decided(make_entry(org_b, "26", proposed_text="Another."))
    with pytest.raises(CommandError, match="in conflict.*Nothing was composed"):
        run(capsys, "--from", "Zero draft", "--label", "Rev.1", "--publish")
    assert not Version.objects.filter(label="Rev.1").exists()
    out = run(capsys, "--from", "Zero draft", "--label", "Rev.1")
    assert "In conflict, to resolve in the browser: OP 26." in out
    assert "in preparation" in out


def test_the_command_refuses_an_unknown_version(version, capsys):
    with pytest.raises(CommandError, match="No published version 'Rev.9'"):
        run(capsys, "--from", "Rev.9", "--label", "Rev.10")


def test_export_version_shows_what_each_paragraph_took_in(version, make_entry, org_a, capsys):
    amendment = decided(make_entry(org_a, "26", proposed_text="Post offices connect everyone."))
    compose_revision(version, "Rev.1")
    capsys.readouterr()
    call_command("export_version", "--consultation", "wsis20", "--label", "Rev.1", "--with-entries")
    data = json.loads(capsys.readouterr().out)
    paragraphs = {p["label"]: p for s in data["sections"] for p in s["paragraphs"]}
    assert paragraphs["26"]["took_in"] == [
        {
            "entry": amendment.pk,
            "organisation": "KEN",
            "kind": "amendment",
            "decision": "incorporated",
            "how": "applied",
        }
    ]
    assert paragraphs["27"]["took_in"] == []
