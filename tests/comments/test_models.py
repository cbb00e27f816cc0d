from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tests.comments.conftest import make_entry, paragraph
from tests.conftest import parsed
from tests.drafts.conftest import REV1
from wsis.comments.models import Entry
from wsis.drafts.models import Consultation
from wsis.drafts.services import import_revision, publish_version
from wsis.stakeholders.access import memberships_of


def visible(client, *entries):
    user = client.user or AnonymousUser()
    seen = set(Entry.objects.visible_to(user).values_list("pk", flat=True))
    # The same when the caller knows the user's organisations and consultations (the panel).
    facilitated = Consultation.objects.filter(facilitators=user) if user.is_authenticated else []
    known = Entry.objects.visible_to(
        user,
        organisation_ids=[m.organisation_id for m in memberships_of(user)],
        consultation_ids=[c.pk for c in facilitated],
    )
    assert set(known.values_list("pk", flat=True)) == seen
    return [entry.pk in seen for entry in entries]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        # draft of A, submitted of A (pending), published of B
        ("anonymous", [False, False, True]),
        ("delegate_a", [True, True, True]),
        ("focal_a", [True, True, True]),
        ("delegate_b", [False, False, True]),
        ("facilitator", [False, True, True]),
    ],
)
def test_visible_to_each_persona(request, persona, expected, draft_a, submitted_a, published_b):
    client = request.getfixturevalue(persona)
    assert visible(client, draft_a, submitted_a, published_b) == expected


def test_withdrawn_entries_show_to_their_organisation_and_facilitators(
    anonymous, delegate_a, delegate_b, facilitator, submitted_a
):
    submitted_a.status = Entry.Status.WITHDRAWN
    submitted_a.moderation = Entry.Moderation.PUBLISHED
    submitted_a.save()
    assert visible(delegate_a, submitted_a) == [True]
    assert visible(facilitator, submitted_a) == [True]
    assert visible(delegate_b, submitted_a) == [False]
    assert visible(anonymous, submitted_a) == [False]


def test_rejected_shows_to_its_organisation_hidden_only_to_facilitators(
    delegate_a, delegate_b, facilitator, submitted_a, draft_a
):
    submitted_a.moderation = Entry.Moderation.REJECTED
    submitted_a.moderation_reason = "Off topic."
    submitted_a.save()
    assert visible(delegate_a, submitted_a) == [True]
    assert visible(facilitator, submitted_a) == [True]
    assert visible(delegate_b, submitted_a) == [False]
    submitted_a.moderation = Entry.Moderation.HIDDEN
    submitted_a.save()
    assert visible(delegate_a, submitted_a) == [False]
    assert visible(facilitator, submitted_a) == [True]


def test_a_facilitator_of_another_consultation_sees_only_published(
    facilitator, submitted_a, consultation
):
    consultation.facilitators.clear()
    assert visible(facilitator, submitted_a) == [False]


def test_visible_to_returns_each_entry_once(delegate_a, facilitator, org_a, submitted_a):
    # A facilitator who is also a member of the organisation must not see it twice.
    org_a.memberships.create(user=facilitator.user)
    assert Entry.objects.visible_to(facilitator.user).filter(pk=submitted_a.pk).count() == 1


def test_on_paragraph_follows_submitted_entries_into_the_next_version(version, draft_a):
    submitted = make_entry(
        version, draft_a.organisation, draft_a.author, label="22", status=Entry.Status.SUBMITTED
    )
    rev1 = import_revision(version.consultation, "Rev.1", parsed(REV1))
    rev1.links.update(confirmed=True)
    publish_version(rev1, closes_at=timezone.now() + timedelta(days=14))
    # Zero draft OP 22 and OP 23 are merged into Rev.1 OP 21; OP 26 became OP 24.
    assert list(Entry.objects.on_paragraph(rev1.paragraphs.get(label="21"))) == [submitted]
    # Drafts follow too (visible_to still shows them to their organisation only): the text a
    # delegate typed on the zero draft is not lost when Rev.1 comes out.
    assert list(Entry.objects.on_paragraph(rev1.paragraphs.get(label="24"))) == [draft_a]
    assert list(Entry.objects.on_paragraph(paragraph(version, "26"))) == [draft_a]


def test_a_new_paragraph_after_op31_is_labelled_op31_bis(version, org_a, delegate_a):
    entry = make_entry(
        version, org_a, delegate_a.user, label="31", kind=Entry.Kind.NEW_PARAGRAPH,
        proposed_text="A new paragraph.",
    )  # fmt: skip
    assert entry.target_label == "OP31 bis"
    assert str(entry.change_html) == "<ins>A new paragraph.</ins>"


def test_a_deletion_strikes_the_whole_paragraph(version, org_a, delegate_a):
    entry = make_entry(version, org_a, delegate_a.user, label="29", kind=Entry.Kind.DELETION)
    assert str(entry.change_html).startswith("<del>We are committed")
    assert entry.target_label == "OP 29"


def test_a_comment_has_no_change(version, org_a, delegate_a):
    entry = make_entry(version, org_a, delegate_a.user, kind=Entry.Kind.COMMENT, text="Fine.")
    assert entry.change_html == ""
