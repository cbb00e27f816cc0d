"""Readings: the room, its stream and its log are for the accredited organisations' people and
the facilitators, signed in; the pen is the facilitators' alone."""

from tests.authz.matrix import SECOND_FACTOR_FIRST, Row, facilitators_only, signed_in
from wsis.room.models import Reading

# Everyone signed in here is of an accredited organisation or a facilitator; a facilitator yet
# to confirm a code is sent to do so first (tests/room/test_views.py has the outsider's 403).
READERS = signed_in(200) | {"unverified_facilitator": SECOND_FACTOR_FIRST}
PEN = facilitators_only(302)


def build(world, request):
    world.extra["reading"] = Reading.objects.create(
        version=world.version, number=1, paragraph=world.version.paragraphs.first()
    )


def on_version(world):
    return [world.consultation.slug, world.version.label]


def on_reading(world):
    return [*on_version(world), 1]


ROWS = [
    Row("room:readings", READERS, args=on_version),
    # A reading is open already: opening another is refused with a message, back to the list.
    Row("room:open", PEN, args=on_version, method="POST"),
    Row("room:room", READERS, args=on_reading),
    Row("room:stream", READERS, args=on_reading),
    Row("room:log", READERS, args=on_reading),
    Row(
        "room:move",
        PEN,
        args=on_reading,
        method="POST",
        data=lambda w: {"paragraph": w.paragraph.pk, "span": 1},
    ),
    Row(
        "room:wording",
        PEN,
        args=on_reading,
        method="POST",
        data=lambda w: {
            "paragraph": w.paragraph.pk,
            "text": w.paragraph.text + " More.",
            "previous": w.paragraph.text,
        },
    ),
    Row(
        "room:floor",
        PEN,
        args=on_reading,
        method="POST",
        data=lambda w: {"paragraph": w.paragraph.pk, "organisation": w.org_a.pk},
    ),
    Row(
        "room:status",
        PEN,
        args=on_reading,
        method="POST",
        data=lambda w: {"paragraph": w.paragraph.pk, "status": "agreed_ad_ref"},
    ),
    Row("room:close", PEN, args=on_reading, method="POST"),
]
