"""Silence procedures: everyone reads a version's silence page; its facilitators start, extend,
end it, publish the reasons, read the matrix, ask for the letter and edit the front page; only
the focal point of an accredited organisation breaks silence.

The world's silence on the zero draft ended yesterday (a running one would refuse every
comment row's write), so an extension or a break is refused with the form (400) to those who
may ask for one, and the letter may be asked for."""

from datetime import timedelta

from django.utils import timezone

from tests.authz.matrix import PERSONAS, Row, everyone, facilitators_only
from wsis.silence.models import Break, Silence


def build(world, request):
    facilitator = request.getfixturevalue("facilitator").user
    ended = timezone.now() - timedelta(days=1)
    silence = Silence.objects.create(
        version=world.version, deadline=ended, started=ended - timedelta(hours=72),
        started_by=facilitator,
    )  # fmt: skip
    world.version.silence_until = ended
    world.version.save(update_fields=["silence_until"])
    Break.objects.create(
        silence=silence, paragraph=world.paragraph, organisation=world.org_b,
        author=request.getfixturevalue("delegate_b").user, reason="Not acceptable.",
    )  # fmt: skip


def on_version(world):
    return [world.consultation.slug, world.version.label]


# Only a focal point of an accredited organisation gets as far as the form.
BREAKERS = dict.fromkeys(PERSONAS, 403) | {"anonymous": 302, "focal_a": 400}
DEADLINE = {"deadline": "2031-06-02T18:00"}
FRONT_PAGE = {"symbol": "A/80/L.41", "distribution": "limited", "original_language": "English"}

ROWS = [
    Row("silence:version", everyone(200), args=on_version),
    Row("silence:start", facilitators_only(302), args=on_version, method="POST",
        data=lambda w: DEADLINE),
    Row("silence:extend", facilitators_only(400), args=on_version, method="POST",
        data=lambda w: DEADLINE),
    Row("silence:end", facilitators_only(302), args=on_version, method="POST"),
    Row("silence:publish", facilitators_only(302), args=on_version, method="POST",
        data=lambda w: {"published": "1"}),
    Row("silence:break", BREAKERS, args=on_version, method="POST",
        data=lambda w: {"paragraph": w.paragraph.pk, "reason": "No."}),
    Row("silence:matrix", facilitators_only(200), args=on_version),
    Row("silence:front_page", facilitators_only(200), args=on_version),
    Row("silence:front_page", facilitators_only(302), args=on_version, method="POST",
        data=lambda w: FRONT_PAGE, refuses_get=False),
    Row("reports:ask_silence_letter", facilitators_only(302), args=on_version, method="POST",
        data=lambda w: {"format": "pdf"}),
]  # fmt: skip
