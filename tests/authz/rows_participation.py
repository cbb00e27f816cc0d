"""Participation needs accreditation to the consultation (issue #15, item 3).

A second consultation, ``other``, open for comments, to which organisations A (Kenya) and B
(the UPU) are not accredited; organisation C is. Kenya's and the UPU's people read its
published text like anyone, but write, submit, support and compile nothing there. Their
draft there stands for what they could write before accreditation was per consultation.
"""

from datetime import timedelta

from django.utils import timezone

from tests.authz.matrix import PERSONAS, Row, short_draft
from tests.conftest import group, make_user
from wsis.comments.models import Entry
from wsis.drafts.demo import ZERO_DRAFT
from wsis.drafts.importer import import_draft
from wsis.drafts.models import CommentRound, Consultation
from wsis.stakeholders.models import Organisation


def build(world, request):
    other = Consultation.objects.create(slug="other", title="Another consultation")
    version = import_draft(other, "Zero draft", short_draft(ZERO_DRAFT))
    now = timezone.now()
    CommentRound.objects.create(
        version=version, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=7)
    )
    org_c = Organisation.objects.create(name="Chile", acronym="CHL", group=group("member_state"))
    org_c.accredit(other)
    paragraph = version.paragraphs.get(label="26")
    author_c = make_user("carla")
    delegate_b = request.getfixturevalue("delegate_b").user
    # focal_a is the focal point of Kenya, whose draft this is: only accreditation refuses it.
    focal_a = request.getfixturevalue("focal_a").user
    world.extra["other"] = other
    world.extra["other_paragraph"] = paragraph
    world.extra["other_published_c"] = Entry.objects.create(
        version=version, paragraph=paragraph, organisation=org_c, author=author_c,
        kind="amendment", proposed_text=paragraph.text + " More.", status="submitted",
        moderation="published",
    )  # fmt: skip
    world.extra["other_draft_a"] = Entry.objects.create(
        version=version, paragraph=paragraph, organisation=world.org_a, author=focal_a,
        kind="comment", text="Written before accreditation was checked.",
    )  # fmt: skip
    world.extra["other_draft_b"] = Entry.objects.create(
        version=version, paragraph=paragraph, organisation=world.org_b, author=delegate_b,
        kind="comment", text="Written before accreditation was checked.",
    )  # fmt: skip


def refused(facilitator: int = 403, **persona) -> dict[str, int]:
    """403 to the members of A and B, not accredited to ``other``; sign-in first."""
    return dict.fromkeys(PERSONAS, 403) | {"anonymous": 302, "facilitator": facilitator} | persona


def slug(world):
    return [world.extra["other"].slug]


def pk(name):
    return lambda w: [w.extra[name].pk]


NOTE = "not accredited"
ROWS = [
    # Reading published text stays public.
    Row("drafts:reader", dict.fromkeys(PERSONAS, 200), args=slug, note=NOTE),
    Row("comments:panel", dict.fromkeys(PERSONAS, 200), args=pk("other_paragraph"), note=NOTE),
    Row(
        "comments:create", refused(), args=pk("other_paragraph"), method="POST",
        data=lambda w: {"kind": "comment", "text": "A comment."}, note=NOTE,
    ),
    # Their own drafts there: each organisation's members see them, and change nothing.
    Row(
        "comments:save",
        refused(404, delegate_a=403, focal_a=403, delegate_b=404, unverified_facilitator=404),
        args=pk("other_draft_a"), method="POST",
        data=lambda w: {"kind": "comment", "text": "Changed.", "revision": "1"}, note=NOTE,
    ),
    Row(
        "comments:submit", refused(404, delegate_b=404, unverified_facilitator=404),
        args=pk("other_draft_a"),
        method="POST", note=NOTE,
    ),
    Row(
        "comments:save",
        refused(404, delegate_a=404, focal_a=404, unverified_facilitator=404),
        args=pk("other_draft_b"),
        method="POST", data=lambda w: {"kind": "comment", "text": "Changed.", "revision": "1"},
        note=NOTE + ", B",
    ),
    Row(
        "comments:support", refused(), args=pk("other_published_c"), method="POST", note=NOTE
    ),
    Row(
        "comments:withdraw_support", refused(), args=pk("other_published_c"), method="POST",
        note=NOTE,
    ),
    Row("comments:submit_all", refused(), args=slug, note=NOTE),
    Row(
        "comments:submit_all", refused(), args=slug, method="POST", refuses_get=False,
        note=NOTE,
    ),
    Row("comments:our_entries", refused(), args=slug, note=NOTE),
    Row("comments:our_submission", refused(), args=slug, note=NOTE),
    # The UPU is not accredited to ``other``: it has no ledger there, for anyone.
    Row("comments:ledger", refused(404, delegate_a=404, focal_a=404, delegate_b=404,
        unverified_facilitator=404), args=lambda w: [*slug(w), w.org_b.acronym], note=NOTE),
    # The facilitator of wsis20 does not facilitate ``other`` either.
    Row(
        "reports:index", refused(), args=lambda w: [*slug(w), "Zero draft"], note=NOTE,
    ),
]  # fmt: skip
