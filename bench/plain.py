"""Baselines for the reader, served only by the benchmarks (in-process through
``bench.bench_reader``'s URLconf, under gunicorn through ``bench.plain_settings``): the same 155
paragraphs rendered from a plain Django template on every request, with no entries and no
caching; and Django's floor, a view that returns a constant.
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from wsis.drafts.access import get_version

PLAIN = (
    '{% extends "base.html" %}{% block content %}<div class="reader"><aside class="toc"><ol>'
    '{% for p in paragraphs %}<li><a href="#{{ p.anchor }}">{{ p.label }}</a></li>{% endfor %}'
    '</ol></aside><article class="draft">{% for p in paragraphs %}'
    "{% ifchanged p.section_id %}<h2>{{ p.section.heading }}</h2>{% endifchanged %}"
    '<div class="paragraph {{ p.kind }}" id="{{ p.anchor }}">'
    '<a class="label" href="#{{ p.anchor }}">{{ p.display_label }}</a>'
    '<p class="text">{{ p.text }}</p></div>{% endfor %}</article></div>{% endblock %}'
)


def plain_reader(request, slug):
    """The baseline: the draft rendered from a template on every request, no entries."""
    version = get_version(slug)
    paragraphs = list(version.paragraphs.in_document_order())
    html = (
        engines["django"]
        .from_string(PLAIN)
        .render({"paragraphs": paragraphs, "consultation": version.consultation}, request)
    )
    return HttpResponse(html)


def hello_world(request):
    """Django's floor: what any page costs before it does anything (the middleware, and the
    session and user of a signed-in person, which the middleware reads)."""
    return HttpResponse("Hello, world")


# The application's URLs, and the baseline next to them, so both cross the same middleware.
urlpatterns = [
    path("bench-plain/<slug:slug>/", plain_reader),
    path("bench-hello/", hello_world),
    path("", include("wsis.urls")),
]
