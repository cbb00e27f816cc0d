"""Revisions: facilitators import, align, publish and confirm outcomes; comparing is public."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.authz.matrix import Row, everyone, facilitators_only, short_draft
from tests.drafts.conftest import REV1
from wsis.drafts.services import import_revision

FACILITATED = facilitators_only(200)
ACTION = facilitators_only(302)
# Rev.1 is in preparation: to anyone but its facilitators it does not exist; a facilitator yet
# to confirm a code is sent to do so first.
ON_PREPARING = facilitators_only(200, others=404)
ACTION_ON_PREPARING = facilitators_only(302, others=404)


def build(world, request):
    rev1 = import_revision(world.consultation, "Rev.1", short_draft(REV1))
    world.extra["rev1"] = rev1


def slug(world):
    return [world.consultation.slug]


def on_rev1(world):
    return [world.consultation.slug, world.extra["rev1"].label]


def on_rev1_paragraph(world):
    rev1 = world.extra["rev1"]
    return [world.consultation.slug, rev1.label, rev1.paragraphs.get(label="24").pk]


def upload(world):
    # Importing again under the label in preparation replaces it (only one at a time).
    return {"label": "Rev.1", "file": SimpleUploadedFile("rev1.txt", REV1.read_bytes())}


def in_two_weeks(world):
    return timezone.localtime(timezone.now() + timezone.timedelta(days=14)).strftime(
        "%Y-%m-%dT%H:%M"
    )


ROWS = [
    Row("drafts:upload", FACILITATED, args=slug),
    # Rev.1 holds entries (rows_visibility.py): replacing it is refused, and says why
    # (tests/drafts/test_importer.py has the import that goes through).
    Row("drafts:import", facilitators_only(400), args=slug, method="POST", data=upload),
    # Rev.1 is in preparation already: composing another is refused, and says why
    # (tests/drafts/test_compose_pages.py has the composition that goes through).
    Row(
        "drafts:compose",
        facilitators_only(400),
        args=slug,
        method="POST",
        data=lambda w: {"label": "Rev.2"},
    ),
    Row("drafts:edit", ON_PREPARING, args=on_rev1),
    Row("drafts:edit_one", ON_PREPARING, args=on_rev1_paragraph),
    Row(
        "drafts:edit_one",
        ACTION_ON_PREPARING,
        args=on_rev1_paragraph,
        method="POST",
        data=lambda w: {"text": "The co-facilitators' wording."},
        note="save",
        refuses_get=False,  # the same address shows the form
    ),
    Row(
        "drafts:edit_preview",
        ON_PREPARING,
        args=on_rev1_paragraph,
        method="POST",
        data=lambda w: {"text": "The co-facilitators' wording."},
    ),
    Row("drafts:renumber", ACTION_ON_PREPARING, args=on_rev1, method="POST"),
    Row("drafts:alignment", ON_PREPARING, args=on_rev1),
    Row("drafts:alignment_save", ACTION_ON_PREPARING, args=on_rev1, method="POST"),
    Row(
        "drafts:publish",
        ACTION_ON_PREPARING,
        args=on_rev1,
        method="POST",
        data=lambda w: {"closes_at": in_two_weeks(w)},
    ),
    Row("drafts:outcomes", ON_PREPARING, args=on_rev1),
    Row("drafts:outcomes_confirm", ACTION_ON_PREPARING, args=on_rev1, method="POST"),
    # Drafts are public; a version in preparation shows only to facilitators.
    Row("drafts:compare", everyone(200), args=slug),
    Row("drafts:orphaned", everyone(200), args=lambda w: [w.consultation.slug, w.version.label]),
    Row("drafts:compare_print", everyone(200), args=slug),
]
