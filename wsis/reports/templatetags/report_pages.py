"""The page margins' "page X of Y", translated as one sentence."""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def page_of_pages_parts() -> list[str]:
    """The text of "page X of Y" before, between and after its two numbers, which the page
    margins (report-print.css) put in with CSS counters: translated as one string, so that
    each language keeps its own word order around them. The page number comes first."""
    # NUL: a character no translation contains, left only where the numbers go.
    return (gettext("page %(page)s of %(pages)s") % {"page": "\0", "pages": "\0"}).split("\0")
