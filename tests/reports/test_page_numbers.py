"""The words "page X of Y" are one translatable sentence, so each language orders its own."""

import re
from pathlib import Path

from django.utils.translation.template import templatize

from tests.reports.helpers import pdf_text
from wsis.reports.rendering import pdf_pages, render
from wsis.reports.templatetags import report_pages

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "reports" / "pdf"


def messages(name):
    """The strings that makemessages finds in a template."""
    source = templatize((TEMPLATES / name).read_text(), origin=name)
    return set(re.findall(r"gettext\(u?'((?:[^'\\]|\\.)*)'\)", source))


def test_the_footers_translate_one_sentence_with_both_numbers():
    assert "page %(page)s of %(pages)s" in messages("footers.html")
    for name in ("footers.html", "base.html"):
        assert not messages(name) & {"page", "of"}, name


def test_the_page_margins_keep_the_translations_words_around_the_numbers(
    version, tmp_path, monkeypatch
):
    def translated(message):
        assert message == "page %(page)s of %(pages)s"
        return "S. %(page)s / %(pages)s insgesamt"

    monkeypatch.setattr(report_pages, "gettext", translated)
    out = tmp_path / "compilation.pdf"
    render(out, kind="compilation", fmt="pdf", version=version)
    flat = " ".join(pdf_text(out).split())
    assert f"S. 3 / {pdf_pages(out)} insgesamt" in flat
