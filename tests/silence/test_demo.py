"""The demo's silence: on the Zero draft, ended yesterday, broken on two paragraphs, so that
the demo's commenting goes on; loaded once."""

import pytest
from django.core.management import call_command

from wsis.drafts.models import Version
from wsis.silence.models import Break, Silence
from wsis.silence.outcome import outcome

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def development(settings):
    settings.DEBUG = True  # load_demo refuses to run otherwise


def test_the_demo_has_a_silence_broken_on_two_paragraphs_that_blocks_nothing():
    call_command("load_demo")
    call_command("load_demo")  # idempotent
    silence = Silence.objects.get()
    version = Version.objects.get(label="Zero draft")
    assert silence.version == version and not silence.is_running()
    assert not version.in_silence() and version.is_open
    found = outcome(silence)
    assert [(r.paragraph.label, [o.acronym for o in r.delegations]) for r in found.rows] == [
        ("26", ["BRA"]),
        ("44", ["BRA", "JPN"]),
    ]
    assert Break.objects.count() == 3
    assert (version.get_distribution_display(), version.original_language) == (
        "Limited", "English",
    )  # fmt: skip
