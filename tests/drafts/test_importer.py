import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import ProtectedError

from tests.conftest import group, parsed
from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry, Support
from wsis.drafts.demo import UPU_COPY, ZERO_DRAFT
from wsis.drafts.importer import DraftFormatError, decode, parse
from wsis.drafts.models import CommentRound, Consultation, Paragraph, Section, Version
from wsis.reports.models import ReportJob
from wsis.stakeholders.models import Organisation

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
        "empty-section",
        "stray-text",
    ],
)
def test_it_refuses_malformed_drafts_with_the_line(text, line, reason):
    with pytest.raises(DraftFormatError) as caught:
        parse(text)
    assert caught.value.line == line
    assert reason in caught.value.reason


def as_pdftotext(text: str) -> str:
    """``text`` as pdftotext gives it: a page break every 40 lines, each page ending with its
    number and the document's job number, the next page starting with a form feed and the
    document symbol."""
    lines = text.split("\n")
    pages = ["\n".join(lines[start : start + 40]) for start in range(0, len(lines), 40)]
    total = len(pages)
    return "".join(
        f"{page}\n25-14000 {n}/{total}\n\fA/80/L.41\n" for n, page in enumerate(pages, 1)
    )


def test_it_reads_pdftotext_output_with_its_form_feeds_and_page_marks():
    text = decode(ZERO_DRAFT.read_bytes())
    pages = as_pdftotext(text)
    assert pages.count("\f") > 5
    assert [(p.label, p.text) for p in parse(pages).paragraphs] == [
        (p.label, p.text) for p in parse(text).paragraphs
    ]


def test_a_form_feed_inside_a_line_is_a_space():
    draft = parse(GOOD_HEAD + "and a form\x0cfeed.\n")
    assert draft.paragraphs[-1].text == "One. and a form feed."


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


# Replacing a version: never at the cost of entries, supports or rounds


@pytest.fixture
def written_on(version, org_a, org_b, delegate_a, delegate_b):
    """The zero draft with a draft, a submitted entry supported by another organisation, and
    a compilation."""
    paragraph = version.paragraphs.get(label="26")
    Entry.objects.create(
        version=version, paragraph=paragraph, organisation=org_a, author=delegate_a.user
    )
    submitted = Entry.objects.create(
        version=version,
        paragraph=paragraph,
        organisation=org_b,
        author=delegate_b.user,
        status=Entry.Status.SUBMITTED,
        moderation=Entry.Moderation.PUBLISHED,
    )
    Support.objects.create(entry=submitted, organisation=org_a, user=delegate_a.user)
    ReportJob.objects.create(
        requested_by=delegate_b.user, version=version, kind=ReportJob.Kind.COMPILATION
    )
    return version


def _snapshot():
    return (
        list(Version.objects.values_list("pk", "label", "status")),
        list(Paragraph.objects.order_by("pk").values_list("pk", "text")),
        list(Entry.objects.values_list("pk", "paragraph_id", "status")),
        list(Support.objects.values_list("pk", "entry_id")),
        list(CommentRound.objects.values_list("pk", "version_id")),
        list(ReportJob.objects.values_list("pk", flat=True)),
        AuditEvent.objects.count(),
    )


@pytest.mark.django_db
def test_replace_is_refused_once_a_version_has_entries(written_on):
    before = _snapshot()
    with pytest.raises(CommandError) as refused:
        _import(UPU_COPY, "Zero draft", "--replace")
    message = str(refused.value)
    assert "version Zero draft has 2 entries, which replacing it would delete" in message
    assert "import the new text under a new label instead" in message
    assert message.endswith("nothing was imported")
    assert _snapshot() == before


@pytest.mark.django_db
def test_replace_is_refused_for_a_version_another_is_aligned_with(rev1):
    before = _snapshot()
    with pytest.raises(CommandError, match="Zero draft is aligned with another version"):
        _import(UPU_COPY, "Zero draft", "--replace")
    assert _snapshot() == before


@pytest.mark.django_db
def test_deleting_what_entries_supports_or_rounds_hang_on_is_refused(written_on):
    entry = Entry.objects.get(status=Entry.Status.SUBMITTED)
    # An organisation that wrote nothing, only joined a proposal.
    supporter = Organisation.objects.create(
        name="Ghana", acronym="GHA", group=group("member_state")
    )
    Support.objects.create(entry=entry, organisation=supporter, user=entry.author)
    for doomed in (
        written_on,
        written_on.consultation,
        entry.paragraph.section,
        entry.paragraph,
        entry,
        supporter,
    ):
        with pytest.raises(ProtectedError):
            doomed.delete()
    Support.objects.all().delete()
    Entry.objects.all().delete()
    with pytest.raises(ProtectedError):  # its comment round
        written_on.delete()
    assert CommentRound.objects.filter(version=written_on).exists()


@pytest.mark.django_db
def test_an_allowed_replace_keeps_the_round_and_is_audited(
    version, delegate_a, settings, tmp_path, capsys, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    job = ReportJob.objects.create(
        requested_by=delegate_a.user,
        version=version,
        kind=ReportJob.Kind.COMPILATION,
        input_hash="a" * 64,
    )
    job.path.parent.mkdir(parents=True)
    job.path.write_bytes(b"%PDF of the old text")
    job.finish(size=20, pages=1)
    round_pk = version.round.pk
    with django_capture_on_commit_callbacks(execute=True):
        _import(UPU_COPY, "Zero draft", "--replace")
    out = capsys.readouterr().out
    assert (
        "Replaced Zero draft: its 155 paragraphs and 1 compilations were deleted "
        "(recorded in the audit log)." in out
    )
    replaced = Version.objects.get()
    assert (replaced.label, replaced.order, replaced.status) == ("Zero draft", 1, version.status)
    assert "post office" in replaced.paragraphs.get(label="44").text
    assert CommentRound.objects.get().pk == round_pk and replaced.round.pk == round_pk
    assert not ReportJob.objects.exists() and not job.path.exists()
    event = AuditEvent.objects.get(action="version.replaced")
    assert event.target == f"drafts.version:{replaced.pk}"
    assert event.data == {
        "replaced_version": version.pk,
        "paragraphs_deleted": 155,
        "paragraphs_imported": 155,
        "report_jobs_deleted": 1,
        "old_sha256": version.source_sha256,
        "new_sha256": replaced.source_sha256,
    }
