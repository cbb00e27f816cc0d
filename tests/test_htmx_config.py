"""htmx's configuration in base.html: which answers replace what was on the page."""

import json
import re
from html import unescape

from django.urls import reverse


def responses_swapped(html):
    content = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'>', html)[1]
    rules = json.loads(unescape(content))["responseHandling"]

    def swapped(status):
        # As htmx does: the first rule whose pattern is found in the status decides.
        return next(rule["swap"] for rule in rules if re.search(rule["code"], str(status)))

    return swapped


def test_a_form_sent_back_with_its_error_status_is_swapped_and_other_errors_are_not(anonymous, db):
    swapped = responses_swapped(anonymous.get(reverse("home")).content.decode())
    assert swapped(200) and swapped(302)
    assert swapped(400) and swapped(429)  # the form with its message, as typed
    assert swapped(409)  # refused under silence or for a stale revision, as typed
    assert not swapped(204)
    assert not any(swapped(status) for status in (403, 404, 410, 500, 503))
