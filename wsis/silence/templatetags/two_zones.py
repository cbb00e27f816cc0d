from django import template
from django.utils.html import format_html

from wsis.silence.zones import two_zones as zones

register = template.Library()


@register.simple_tag
def two_zones(moment, consultation):
    """``<time>`` with the moment in the consultation's zone and UTC, which the page's script
    turns into the reader's own zone (``static/js/two-zones.js``)."""
    if moment is None:
        return ""
    first, second = zones(moment, consultation)
    return format_html(
        '<time class="two-zones" datetime="{}" data-zone="{}">{} (<span class="other-zone">{}'
        "</span>)</time>",
        moment.isoformat(),
        consultation.time_zone,
        first,
        second,
    )
