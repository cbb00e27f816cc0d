"""A moment in the consultation's time zone and in another: "18:00 New York (23:00 UTC)".

Pages show the consultation's zone and UTC; ``static/js/two-zones.js`` replaces UTC with the
reader's own zone where the browser tells it (``Intl``), so a delegate in Geneva reads
"18:00 New York (00:00 Geneva)".
"""

from datetime import UTC, datetime

from django.utils import formats, timezone


def zone_city(name: str) -> str:
    """How people name a zone: "America/New_York" is "New York"."""
    return name.rpartition("/")[2].replace("_", " ")


def two_zones(moment: datetime, consultation) -> tuple[str, str]:
    """The moment in the consultation's zone (date and time, with its city) and in UTC (the
    time, and the day where it is another)."""
    home = timezone.localtime(moment, consultation.tz)
    utc = timezone.localtime(moment, UTC)
    first = f"{formats.date_format(home, 'j F Y, H:i')} {zone_city(consultation.time_zone)}"
    other = "H:i" if home.date() == utc.date() else "j F, H:i"
    return first, f"{formats.date_format(utc, other)} UTC"


def in_two_zones(moment: datetime, consultation) -> str:
    """``two_zones`` as one line of plain text, for messages."""
    first, second = two_zones(moment, consultation)
    return f"{first} ({second})"
