"""Rows of the authorization matrix for the comments app (see matrix.py).

The objects are organisation B's (the UPU's): a draft, a submission awaiting moderation and
a published proposal, so that organisation A's people are the outsiders.
"""

from tests.authz.matrix import Row, everyone, signed_in
from wsis.comments.models import Entry


def build(world, request):
    delegate_b = request.getfixturevalue("delegate_b").user
    paragraph = world.paragraph

    def entry(**fields):
        return Entry.objects.create(
            version=world.version, paragraph=paragraph, organisation=world.org_b,
            author=delegate_b, kind="amendment", proposed_text=paragraph.text + " More.",
            **fields,
        )  # fmt: skip

    world.extra["draft_b"] = entry()
    world.extra["submitted_b"] = entry(status="submitted")
    world.extra["published_b"] = entry(status="submitted", moderation="published")


def _pk(name):
    return lambda w: [w.extra[name].pk]


def expect(anonymous, delegate_a, focal_a, delegate_b, facilitator, unverified_facilitator):
    return {
        "anonymous": anonymous, "delegate_a": delegate_a, "focal_a": focal_a,
        "delegate_b": delegate_b, "facilitator": facilitator,
        "unverified_facilitator": unverified_facilitator,
    }  # fmt: skip


COMMENT = {"kind": "comment", "text": "A comment."}
# Facilitators belong to no organisation: they write nothing of their own.
NO_ORGANISATION = {"facilitator": 403, "unverified_facilitator": 403}
ROWS = [
    Row("comments:panel", everyone(200), args=lambda w: [w.paragraph.pk]),
    Row(
        "comments:create", signed_in(302) | NO_ORGANISATION,
        args=lambda w: [w.paragraph.pk], method="POST", data=lambda w: COMMENT,
    ),
    Row(
        "comments:preview", signed_in(200), args=lambda w: [w.paragraph.pk], method="POST",
        data=lambda w: {"kind": "amendment", "proposed_text": "New words."},
    ),
    Row("comments:entry", expect(404, 404, 404, 200, 404, 404), args=_pk("draft_b"), note="draft"),
    Row(
        "comments:entry", expect(404, 404, 404, 200, 200, 404), args=_pk("submitted_b"),
        note="submitted",
    ),
    Row("comments:entry", everyone(200), args=_pk("published_b"), note="published"),
    Row(
        "comments:save", expect(302, 404, 404, 302, 404, 404), args=_pk("draft_b"), method="POST",
        data=lambda w: COMMENT | {"revision": "1"},
    ),
    Row(
        "comments:submit", expect(302, 404, 404, 403, 404, 404), args=_pk("draft_b"),
        method="POST",
    ),
    Row(
        "comments:withdraw", expect(302, 404, 404, 403, 403, 404), args=_pk("submitted_b"),
        method="POST",
    ),
    # Only the draft's author (delegate_b) or the UPU's focal point may delete it; no one else
    # even sees it.
    Row("comments:delete", expect(302, 404, 404, 200, 404, 404), args=_pk("draft_b")),
    Row(
        "comments:delete", expect(302, 404, 404, 302, 404, 404), args=_pk("draft_b"),
        method="POST", refuses_get=False,
    ),
    Row(
        "comments:delete", expect(302, 404, 404, 403, 403, 404), args=_pk("submitted_b"),
        method="POST", note="submitted", refuses_get=False,
    ),
    # The draft is on the open version already: nothing to carry (tests/comments/test_lifecycle.py
    # carries one through a real Rev.1).
    Row(
        "comments:carry", expect(302, 404, 404, 403, 404, 404), args=_pk("draft_b"),
        method="POST", data=lambda w: {"paragraph": w.paragraph.pk},
    ),
    Row(
        "comments:support", expect(302, 403, 302, 403, 403, 403), args=_pk("published_b"),
        method="POST",
    ),
    # Nothing to withdraw yet for org A: the action answers (302) and changes nothing.
    Row(
        "comments:withdraw_support", expect(302, 403, 302, 403, 403, 403), args=_pk("published_b"),
        method="POST",
    ),
    Row(
        "comments:submit_all", expect(302, 403, 200, 403, 403, 403),
        args=lambda w: [w.consultation.slug],
    ),
    Row(
        "comments:submit_all", expect(302, 403, 302, 403, 403, 403),
        args=lambda w: [w.consultation.slug], method="POST", refuses_get=False,
    ),
    Row("comments:our_entries", signed_in(200) | NO_ORGANISATION,
        args=lambda w: [w.consultation.slug]),
    Row("comments:our_submission", signed_in(200) | NO_ORGANISATION,
        args=lambda w: [w.consultation.slug]),
    # A version chosen by its label; an unknown one answers 404 before anything else.
    *(
        row
        for name in ("comments:our_entries", "comments:our_submission")
        for row in (
            Row(name, signed_in(200) | NO_ORGANISATION, args=lambda w: [w.consultation.slug],
                data=lambda w: {"version": w.version.label}, note="version"),
            Row(name, signed_in(404), args=lambda w: [w.consultation.slug],
                data=lambda w: {"version": "Rev.9"}, note="unknown version"),
        )
    ),
    # The UPU's ledger: its own members and the consultation's facilitators (through the gate).
    Row("comments:ledger", expect(302, 403, 403, 200, 200, 302),
        args=lambda w: [w.consultation.slug, w.org_b.acronym]),
]  # fmt: skip
