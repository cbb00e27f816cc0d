"""A deadline in the consultation's zone and UTC, as pages and messages write it."""

from datetime import UTC, datetime

from wsis.drafts.models import Consultation
from wsis.silence.templatetags.two_zones import two_zones as tag
from wsis.silence.zones import in_two_zones, zone_city

NEW_YORK = Consultation(time_zone="America/New_York")


def test_the_same_day_in_both_zones():
    moment = datetime(2025, 12, 1, 23, 0, tzinfo=UTC)
    assert in_two_zones(moment, NEW_YORK) == "1 December 2025, 18:00 New York (23:00 UTC)"


def test_the_other_day_is_named():
    moment = datetime(2025, 12, 2, 3, 30, tzinfo=UTC)
    assert (
        in_two_zones(moment, NEW_YORK) == "1 December 2025, 22:30 New York (2 December, 03:30 UTC)"
    )


def test_the_tag_marks_the_part_the_browser_converts():
    html = tag(datetime(2025, 12, 1, 23, 0, tzinfo=UTC), NEW_YORK)
    assert 'datetime="2025-12-01T23:00:00+00:00"' in html and 'data-zone="America/New_York"' in html
    assert '(<span class="other-zone">23:00 UTC</span>)' in html
    assert tag(None, NEW_YORK) == ""


def test_zones_are_named_by_their_city():
    assert zone_city("America/Argentina/Buenos_Aires") == "Buenos Aires"
