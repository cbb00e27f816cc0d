from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import parsed
from wsis.drafts.demo import UPU_COPY, ZERO_DRAFT
from wsis.drafts.diff import diff_html, word_diff


def paragraphs(path):
    return {p.label: p.text for p in parsed(path).paragraphs}


def test_op26_the_upu_insertion_at_the_end():
    old, new = paragraphs(ZERO_DRAFT)["26"], paragraphs(UPU_COPY)["26"]
    html = diff_html(old, new)
    assert html.endswith(
        "strategies for digital connectivity <ins>ensuring that digital services remain accessible "
        "through multichannel modalities provided by community anchor institutions such as "
        "service centers, post offices, schools, libraries, and community centers</ins>."
    )
    assert "<del>" not in html


def test_op44_the_upu_insertion_in_the_middle():
    old, new = paragraphs(ZERO_DRAFT)["44"], paragraphs(UPU_COPY)["44"]
    assert (
        "connecting every school <ins>and community-based institution, such as post office and "
        "library</ins> to the Internet by 2030." in diff_html(old, new)
    )


def test_a_deletion_is_struck_through():
    old = paragraphs(ZERO_DRAFT)["29"]
    new = old.replace(" entry-level", "")
    assert "achieving <del>entry-level</del> broadband" in diff_html(old, new)


def test_a_replacement_shows_both():
    old = "We note the growth of the Internet."
    assert diff_html(old, "We welcome the growth of the Internet.") == (
        "We <del>note</del> <ins>welcome</ins> the growth of the Internet."
    )


def test_identical_texts_have_no_marks():
    text = paragraphs(ZERO_DRAFT)["1"]
    assert [c.op for c in word_diff(text, text)] == ["equal"]
    assert diff_html(text, text) == text.replace("'", "&#x27;")


def test_user_text_is_escaped():
    html = diff_html("Plain.", "Plain <script>alert(1)</script>.")
    assert "<script>" not in html and "&lt;script&gt;" in html


WORDS = st.lists(
    st.sampled_from(["the", "digital", "divide", ",", ".", "post", "offices", "(", ")", "’s"]),
    max_size=12,
)
SPACES = st.sampled_from(["", " ", "  ", "\n"])


@given(
    st.lists(st.tuples(WORDS, SPACES), max_size=4), st.lists(st.tuples(WORDS, SPACES), max_size=4)
)
def test_an_exact_diff_gives_back_both_texts_to_the_character(old, new):
    """What Word's tracked changes need: accept all, the new text; reject all, the old one."""

    def text(parts):
        return "".join(space + " ".join(words) for words, space in parts)

    old, new = text(old), text(new)
    changes = word_diff(old, new, exact=True)
    assert "".join(c.text for c in changes if c.op != "delete") == new
    assert "".join(c.text for c in changes if c.op != "insert") == old
