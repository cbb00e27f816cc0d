import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import parsed
from wsis.drafts.demo import UPU_COPY, ZERO_DRAFT
from wsis.drafts.importer import DraftFormatError, decode, parse
from wsis.drafts.models import Consultation, Paragraph, Section, Version

HEADINGS = [
    "Preamble",
    "Introduction",
    "Information and communications technologies for development",
    "Bridging digital divides",
    "The digital economy",
    "Social and economic development",
    "Environmental impacts",
    "The enabling environment for digital development",
    "Building confidence and security in the use of ICTs",
    "Capacity development",
    "Financial mechanisms",
    "Human rights and ethical dimensions of the Information Society",
    "Data governance",
    "Artificial intelligence",
    "Internet governance",
    "The development of the WSIS framework",
    "Monitoring and measurement",
    "Follow-up and review",
]
LABELS = list("ABCDEFG") + [str(n) for n in range(1, 149)]


@pytest.mark.parametrize("path", [ZERO_DRAFT, UPU_COPY], ids=["zero-draft", "upu-copy"])
def test_it_reads_every_heading_and_paragraph(path):
    draft = parsed(path)
    assert [s.heading for s in draft.sections] == HEADINGS
    assert [p.label for p in draft.paragraphs] == LABELS
    kinds = {p.label: p.kind for p in draft.paragraphs}
    assert kinds["G"] == "preambular" and kinds["1"] == "operative"
    assert draft.title.startswith("WSIS+20 UNGA resolution — ZERO DRAFT")


def test_it_joins_paragraphs_cut_by_page_breaks():
    texts = {p.label: p.text for p in parsed(ZERO_DRAFT).paragraphs}
    assert texts["15"].endswith(
        "to ensure human oversight of technology in ways that advance sustainable development "
        "and the full enjoyment of human rights."
    )
    assert (
        "early warning systems in response to environmental threats, and enabling governments"
        in (texts["49"])
    )
    assert "in enabling the development and implementation of a people-centred" in texts["55"]
    assert texts["93"].endswith("in the digital.")
    # Every paragraph ends like a sentence once joined, but for the draft's own two exceptions.
    unfinished = [label for label, text in texts.items() if not text.endswith((".", ",", ":"))]
    assert unfinished == ["23", "99"]


def _source_words(text):
    """The file's words minus title lines, headings, labels and dashes: the paragraphs' words."""
    words = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line in HEADINGS or line.startswith(("WSIS+20 UNGA", "ZERO DRAFT")):
            continue
        line = re.sub(r"^-\s+", "", line)
        line = re.sub(r"^(?:[A-G]|\d{1,3})\.\s+", "", line)
        words.extend(line.split())
    return words


@pytest.mark.parametrize("path", [ZERO_DRAFT, UPU_COPY], ids=["zero-draft", "upu-copy"])
def test_paragraphs_hold_the_file_word_for_word(path):
    draft = parsed(path)
    assert [w for p in draft.paragraphs for w in p.text.split()] == _source_words(path.read_text())


def test_it_keeps_the_upu_additions_in_their_paragraphs():
    texts = {p.label: p.text for p in parsed(UPU_COPY).paragraphs}
    assert "such as post office and library to the Internet by 2030." in texts["44"]
    assert texts["31"].endswith("/possibly also in the capacity-building section, OP68 or 69/")


def test_the_same_file_gives_the_same_result(zero_draft_text):
    assert parse(zero_draft_text) == parse(zero_draft_text)


GOOD_HEAD = "Title\n\nPreamble\n\n- A. First.\n- B. Second.\n\nIntro\n\n- 1. One.\n"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (GOOD_HEAD + "- 1. Again.\n", 11, "duplicate or out of order"),
        (GOOD_HEAD + "- 3. Skipped two.\n", 11, "expected 2"),
        ("Title\n\nPreamble\n\n- B. Starts at B.\n", 5, "expected A"),
        (GOOD_HEAD + "- C. Late preamble.\n", 11, "after the operative paragraphs"),
        ("Title\n\nPreamble\n", 0, "no numbered or lettered paragraphs"),
        ("", 0, "no numbered or lettered paragraphs"),
        ("- 1. Before any heading.\n", 1, "before any section heading"),
        (GOOD_HEAD + "Bell\x07 here\n", 11, "control character U+0007"),
        (GOOD_HEAD + "Form\x0cfeed\n- 2. Two.\n", 11, "control character U+000C"),
        (GOOD_HEAD + "\nEmpty section\n\nAnother heading\n\n- 2. Two.\n", 12, "no paragraphs"),
        ("- loose text before anything.\n", 1, "belongs to no paragraph"),
    ],
    ids=[
        "duplicate",
        "gap",
        "wrong-start",
        "preamble-after-operative",
        "no-paragraphs",
        "empty",
        "no-heading",
        "control-character",
        "form-feed-counts-as-no-line-break",
        "empty-section",
        "stray-text",
    ],
)
def test_it_refuses_malformed_drafts_with_the_line(text, line, reason):
    with pytest.raises(DraftFormatError) as caught:
        parse(text)
    assert caught.value.line == line
    assert reason in caught.value.reason


def test_it_refuses_binary_and_non_utf8():
    with pytest.raises(DraftFormatError, match="line 2: the file is binary"):
        decode(b"Title\n\x00\x01\x02")
    with pytest.raises(DraftFormatError, match="line 3: the file is not UTF-8"):
        decode(b"Title\n\nPreamble \xff\xfe\n")


def _import(path, label="Zero draft", *extra):
    call_command(
        "import_resolution", str(path), "--consultation", "wsis20", "--label", label, *extra
    )


@pytest.mark.django_db
def test_the_command_imports_a_version(capsys):
    _import(ZERO_DRAFT)
    version = Version.objects.get(consultation__slug="wsis20", label="Zero draft")
    assert version.sections.count() == 18
    assert version.paragraphs.count() == 155
    assert list(version.paragraphs.order_by("order").values_list("label", flat=True)) == LABELS
    assert "155 paragraphs" in capsys.readouterr().out


@pytest.mark.django_db
def test_an_existing_label_is_refused_unless_replace():
    _import(ZERO_DRAFT)
    first = Version.objects.get()
    with pytest.raises(CommandError, match="already exists"):
        _import(UPU_COPY)
    assert Version.objects.get().pk == first.pk
    _import(UPU_COPY, "Zero draft", "--replace")
    replaced = Version.objects.get()
    assert replaced.order == first.order
    assert "post office" in replaced.paragraphs.get(label="44").text


@pytest.mark.django_db
def test_a_malformed_file_writes_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(ZERO_DRAFT.read_text().replace("- 27. We are", "- 29. We are"))
    with pytest.raises(CommandError, match=r"line \d+: paragraph 29 is duplicate or out of order"):
        _import(bad)
    assert not Consultation.objects.exists()
    assert not Section.objects.exists() and not Paragraph.objects.exists()


@pytest.mark.django_db
def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        _import(tmp_path / "absent.txt")
