"""Paragraph statuses and convergence snapshots: facilitators of the consultation only;
everyone else 403 (anonymous: sign in). Participants read statuses and the convergence panel on
the reader and the rolling text (rows_drafts, rows_comments)."""

from tests.authz.matrix import Row, facilitators_only


def slug(world):
    return [world.consultation.slug]


def on_paragraph(world):
    return [world.consultation.slug, world.paragraph.anchor]


def agreed(world):
    return {"paragraphs": [world.paragraph.pk], "status": "agreed_ad_ref"}


ROWS = [
    Row("negotiation:statuses", facilitators_only(200), args=slug),
    Row(
        "negotiation:statuses",
        facilitators_only(302),
        args=slug,
        method="POST",
        data=agreed,
        note="bulk",
        refuses_get=False,
    ),  # fmt: skip
    Row(
        "negotiation:paragraph_status",
        facilitators_only(302),
        args=on_paragraph,
        method="POST",
        data=lambda w: {"status": "agreed_informals"},
    ),  # fmt: skip
    Row(
        "negotiation:snapshot",
        facilitators_only(302),
        args=slug,
        method="POST",
        data=lambda w: {"label": "After the first reading"},
    ),  # fmt: skip
]
