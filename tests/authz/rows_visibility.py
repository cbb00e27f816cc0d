"""A version in preparation (Rev.1, imported by ``rows_revisions``): every URL that takes one
of its paragraphs, entries, report jobs or the version itself answers 404 to everyone but
the facilitators of its consultation, as if it did not exist; and nobody writes on it.

The entries on Rev.1 stand for what a delegate could create there before this rule.
"""

from tests.authz.matrix import PERSONAS, Row
from wsis.comments.models import Entry
from wsis.reports.models import ReportJob


def build(world, request):
    rev1 = world.extra["rev1"]
    paragraph = rev1.paragraphs.get(label="24")
    world.extra["rev1_paragraph"] = paragraph
    delegate_b = request.getfixturevalue("delegate_b").user

    def entry(**fields):
        return Entry.objects.create(
            version=rev1, paragraph=paragraph, organisation=world.org_b, author=delegate_b,
            kind="amendment", proposed_text=paragraph.text + " More.", **fields,
        )  # fmt: skip

    world.extra["rev1_draft_b"] = entry()
    world.extra["rev1_published_b"] = entry(status="submitted", moderation="published")
    # A submission of Kenya's, which its focal point could open if the version were published.
    world.extra["rev1_job_a"] = ReportJob.objects.create(
        requested_by=request.getfixturevalue("facilitator").user,
        version=rev1,
        organisation=world.org_a,
        kind=ReportJob.Kind.SUBMISSION,
        format=ReportJob.Format.PDF,
        input_hash="e" * 64,
    )


def hidden(facilitator: int, anonymous: int = 404) -> dict[str, int]:
    """404 to everyone but the facilitators; ``anonymous`` where sign-in comes first."""
    return dict.fromkeys(PERSONAS, 404) | {"anonymous": anonymous, "facilitator": facilitator}


def rev1(world):
    return [world.consultation.slug, world.extra["rev1"].label]


def rev1_paragraph(world):
    return [world.extra["rev1_paragraph"].pk]


def pk(name):
    return lambda w: [w.extra[name].pk]


COMMENT = {"kind": "comment", "text": "A comment."}
NOTE = "in preparation"
ROWS = [
    Row("drafts:version", hidden(200), args=rev1, note=NOTE),
    Row("drafts:orphaned", hidden(200), args=rev1, note=NOTE),
    Row(
        "drafts:compare", hidden(200), args=lambda w: [w.consultation.slug],
        data=lambda w: {"new": "Rev.1"}, note=NOTE,
    ),
    Row(
        "drafts:compare_print", hidden(200), args=lambda w: [w.consultation.slug],
        data=lambda w: {"new": "Rev.1"}, note=NOTE,
    ),
    Row("api:version", hidden(200), args=rev1, note=NOTE),
    Row("api:paragraph", hidden(200), args=lambda w: [*rev1(w), "OP24"], note=NOTE),
    Row("comments:panel", hidden(200), args=rev1_paragraph, note=NOTE),
    # A facilitator sees it but writes no entry on it: it is not open for comments.
    Row(
        "comments:create", hidden(403, anonymous=302), args=rev1_paragraph, method="POST",
        data=lambda w: COMMENT, note=NOTE,
    ),
    Row(
        "comments:preview", hidden(200, anonymous=302), args=rev1_paragraph, method="POST",
        data=lambda w: {"kind": "amendment", "proposed_text": "New words."}, note=NOTE,
    ),
    # A draft is its organisation's alone: facilitators do not see it either.
    Row("comments:entry", hidden(404), args=pk("rev1_draft_b"), note=NOTE + ", draft"),
    Row("comments:entry", hidden(200), args=pk("rev1_published_b"), note=NOTE + ", published"),
    Row(
        "comments:save", hidden(404, anonymous=302), args=pk("rev1_draft_b"), method="POST",
        data=lambda w: COMMENT | {"revision": "1"}, note=NOTE,
    ),
    Row(
        "comments:submit", hidden(404, anonymous=302), args=pk("rev1_draft_b"), method="POST",
        note=NOTE,
    ),
    Row(
        "comments:withdraw", hidden(403, anonymous=302), args=pk("rev1_published_b"),
        method="POST", note=NOTE,
    ),
    Row(
        "comments:support", hidden(403, anonymous=302), args=pk("rev1_published_b"),
        method="POST", note=NOTE,
    ),
    Row(
        "comments:withdraw_support", hidden(403, anonymous=302), args=pk("rev1_published_b"),
        method="POST", note=NOTE,
    ),
    Row("reports:index", hidden(200, anonymous=302), args=rev1, note=NOTE),
    # An empty form: the facilitator is answered (400) and no job is queued.
    Row("reports:ask", hidden(400, anonymous=302), args=rev1, method="POST", note=NOTE),
    Row("reports:job", hidden(200, anonymous=302), args=pk("rev1_job_a"), note=NOTE),
    # The job has no file yet: the facilitator too gets 404, for that reason.
    Row("reports:download", hidden(404, anonymous=302), args=pk("rev1_job_a"), note=NOTE),
]  # fmt: skip
