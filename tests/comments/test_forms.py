import pytest

from tests.comments.conftest import paragraph
from wsis.comments.forms import EntryForm


def form(version, **data):
    data.setdefault("kind", "amendment")
    return EntryForm(data, paragraph=paragraph(version, "26"))


def test_an_amendment_needs_wording(version):
    f = form(version, proposed_text="")
    assert not f.is_valid()
    assert "Please write the wording you propose." in f.errors["proposed_text"]


def test_an_amendment_identical_to_the_paragraph_is_refused(version):
    text = paragraph(version, "26").text
    f = form(version, proposed_text="  " + text.replace(" ", "  ") + "\n")
    assert not f.is_valid()
    assert "identical to the paragraph" in f.errors["proposed_text"][0]


def test_a_comment_needs_text_and_drops_any_wording(version):
    assert "Please write your comment." in form(version, kind="comment").errors["text"]
    f = form(version, kind="comment", text="Good.", proposed_text="stray")
    assert f.is_valid() and f.cleaned_data["proposed_text"] == ""


def test_a_deletion_needs_nothing_but_may_be_justified(version):
    assert form(version, kind="deletion").is_valid()


def test_text_over_ten_thousand_characters_is_refused(version):
    f = form(version, proposed_text="word " * 2001)
    assert not f.is_valid()
    assert "at most 10000 characters" in f.errors["proposed_text"][0]


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f"])
def test_control_characters_are_refused(version, char):
    f = form(version, kind="comment", text=f"Fine{char}text")
    assert not f.is_valid()
    assert f.errors["text"]


def test_line_breaks_and_tabs_are_fine(version):
    assert form(version, kind="comment", text="One\r\n\ttwo").is_valid()


def test_html_is_accepted_as_plain_text(version):
    f = form(version, kind="comment", text="<script>alert(1)</script>")
    assert f.is_valid() and f.cleaned_data["text"] == "<script>alert(1)</script>"


def test_an_unknown_kind_is_refused(version):
    assert not form(version, kind="veto", proposed_text="x").is_valid()
