import csv
import gc
import os
import re

import pydyf
import pytest
from docx import Document
from pydyf import PDF

from tests.reports.helpers import page_with, pdf_text, yellow_pixels
from tests.reports.word_xml import WordFile
from wsis.reports.compilation import Options
from wsis.reports.rendering import fewer_collections, pdf_pages, render
from wsis.reports.weasy import StaticOnlyFetcher, static_base_url


def test_its_pdf_has_every_label_in_order_and_every_attributed_decided_proposal(
    version, entries, tmp_path
):
    out = tmp_path / "compilation.pdf"
    render(out, kind="compilation", fmt="pdf", version=version)
    text = pdf_text(out)
    expected = []
    for paragraph in version.paragraphs.order_by("order"):
        expected.append(paragraph.anchor)
        if paragraph.label == "31":
            expected.append("OP31 bis")
    found = re.findall(r"^\s*((?:OP|PP)\w+(?: bis)?)\s*$", text, flags=re.MULTILINE)
    assert found == expected
    flat = " ".join(text.split())
    for line in [
        "Brazil (Member State) · deletion",
        "Kenya (Member State) · amendment · Decision: not incorporated",
        "Universal Postal Union (UN system and intergovernmental organisation) · amendment · "
        "Decision: incorporated",
        "Access Now (Civil society) · comment",
        "Kenya (Member State) · new paragraph · Decision: partially incorporated",
        "Supported by: Kenya (Member State)",
        "Justification: Post offices connect the unconnected.",
        "Rationale: Taken into Rev.1.",
        "Encourages mobile money interoperability.",
    ]:
        assert line in flat
    # Within OP26: Member States (alphabetical), then the UN system, then civil society.
    op26 = flat[flat.index(" OP26 ") : flat.index(" OP27 ")]
    positions = [op26.index(n) for n in ["Brazil (", "Kenya (", "Universal Postal", "Access Now"]]
    assert positions == sorted(positions)
    assert "Hidden spam text." not in flat and "Unsent draft text." not in flat
    # Cover, contents with page numbers, running header and "page X of Y".
    pages = pdf_pages(out)
    assert "Compilation of comments and proposals" in flat
    assert re.search(r"Bridging digital divides[ .]+\d+", text)
    assert f"page 3 of {pages}" in flat
    assert "WSIS+20 review" in pdf_text(out).split("\f")[2]
    # The insertions are yellow on the page that shows them, not elsewhere in the draft.
    assert yellow_pixels(out, page_with(out, "postal and digital")) > 100
    assert yellow_pixels(out, 3) == 0


def test_its_pdf_leaves_decisions_out_when_asked(version, entries, tmp_path):
    out = tmp_path / "compilation.pdf"
    section = version.paragraphs.get(label="26").section.order
    options = Options(with_decisions=False, first_section=section, last_section=section)
    render(out, kind="compilation", fmt="pdf", version=version, options=options)
    flat = " ".join(pdf_text(out).split())
    assert "OP26" in flat and "Decision:" not in flat and "Rationale:" not in flat
    assert "OP1 " not in flat


def test_its_submission_shows_one_organisation_inline(version, entries, org_a, tmp_path):
    out = tmp_path / "submission.pdf"
    render(out, kind="submission", fmt="pdf", version=version, organisation=org_a)
    flat = " ".join(pdf_text(out).split())
    assert "With the comments and proposals of Kenya (Member State)" in flat
    assert "Kenya addition." in flat and "OP31 bis" in flat
    assert "Kenya's reason." in flat  # the justification, as a note
    assert "postal and digital" not in flat  # the UPU's proposal is not Kenya's
    assert yellow_pixels(out, page_with(out, "Kenya addition.")) > 50


def test_its_docx_uses_word_styles(version, entries, tmp_path):
    out = tmp_path / "compilation.docx"
    render(out, kind="compilation", fmt="docx", version=version)
    document = Document(out)
    by_style = {}
    for paragraph in document.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    labels = by_style["Paragraph Label"]
    assert labels.index("OP31 bis") == labels.index("OP31") + 1
    assert len(labels) == version.paragraphs.count() + 1
    assert "Bridging digital divides" in by_style["Heading 1"]
    assert (
        "Kenya (Member State) · amendment · Decision: not incorporated" in by_style["Attribution"]
    )
    # The proposals are tracked changes (tests/reports/test_word.py reads them).
    document = WordFile(out)
    assert ("Universal Postal Union", "postal and digital ") in document.revisions("ins")
    assert document.revisions("del")


def test_its_csv_has_one_row_per_entry(version, entries, tmp_path):
    out = tmp_path / "entries.csv"
    render(out, kind="entries", fmt="csv", version=version)
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["paragraph"], r["acronym"]) for r in rows] == [
        ("OP26", "BRA"),
        ("OP26", "KEN"),
        ("OP26", "UPU"),
        ("OP26", "ACCESS"),
        ("OP31 bis", "KEN"),
    ]
    upu = rows[2]
    assert (
        upu["attribution"]
        == "Universal Postal Union (UN system and intergovernmental organisation)"
    )
    assert upu["decision"] == "incorporated" and upu["supporters"] == "Kenya (Member State)"


def test_by_default_its_pdf_shows_published_entries_only(version, entries, tmp_path):
    out = tmp_path / "compilation.pdf"
    render(out, kind="compilation", fmt="pdf", version=version)
    flat = " ".join(pdf_text(out).split())
    assert "Published entries only." in flat
    assert "Post offices connect the unconnected." in flat
    for left_out in ("Pending comment", "Rejected off-topic", "PENDING MODERATION"):
        assert left_out not in flat


def test_its_pdf_marks_each_pending_entry_when_they_are_included(version, entries, tmp_path):
    out = tmp_path / "compilation.pdf"
    options = Options(with_pending=True)
    render(out, kind="compilation", fmt="pdf", version=version, options=options)
    flat = " ".join(pdf_text(out).split())
    assert "each marked “pending moderation”" in flat
    assert "PENDING MODERATION Brazil (Member State) · comment" in flat
    assert flat.count("PENDING MODERATION") == 1
    assert "Pending comment from Brazil." in flat
    assert "Rejected off-topic" not in flat and "Hidden spam" not in flat


def test_a_submission_marks_its_pending_entries_too(version, entries, org_d, tmp_path):
    out = tmp_path / "submission.pdf"
    options = Options(with_pending=True)
    render(out, kind="submission", fmt="pdf", version=version, organisation=org_d, options=options)
    flat = " ".join(pdf_text(out).split())
    assert "(pending moderation) Pending comment from Brazil." in flat
    assert "Redundant with OP 27." in flat  # the published one, unmarked
    assert "(pending moderation) Redundant" not in flat


def test_its_docx_marks_each_pending_entry_when_they_are_included(version, entries, tmp_path):
    out = tmp_path / "compilation.docx"
    render(out, kind="compilation", fmt="docx", version=version)
    assert "Pending comment" not in str(WordFile(out).comments())
    render(out, kind="compilation", fmt="docx", version=version, options=Options(with_pending=True))
    comments = WordFile(out).comments()
    marked = [text for _author, text in comments if text.startswith("pending moderation")]
    assert marked == ["pending moderation: Pending comment from Brazil."]
    assert "Rejected off-topic" not in str(comments)


def test_its_csv_marks_each_pending_entry_when_they_are_included(version, entries, tmp_path):
    out = tmp_path / "entries.csv"
    options = Options(with_pending=True)
    render(out, kind="entries", fmt="csv", version=version, options=options)
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["paragraph"], r["acronym"], r["moderation"]) for r in rows][:2] == [
        ("PPB", "BRA", "pending moderation"),
        ("OP26", "BRA", "published"),
    ]
    assert {r["moderation"] for r in rows} == {"pending moderation", "published"}


def test_its_csv_defuses_formulas(version, entries, tmp_path):
    entries["access_26"].text = '=HYPERLINK("http://evil")'
    entries["access_26"].save()
    out = tmp_path / "entries.csv"
    render(out, kind="entries", fmt="csv", version=version)
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8-sig")


def test_it_fetches_static_files_only():
    fetcher = StaticOnlyFetcher()
    for url in ["https://example.org/x.css", "file:///etc/passwd", "http://127.0.0.1:6379/"]:
        with pytest.raises(ValueError, match="only the project's static files"):
            fetcher.fetch(url)
    assert fetcher.fetch(static_base_url() + "css/report-print.css") is not None


UP = "../" * 12


@pytest.mark.parametrize(
    "escape",
    [
        UP.replace("..", "%2e%2e"),
        UP.replace("../", "%2E%2E%2F"),
        UP.replace("../", "..%2f"),
        UP.replace("..", "%252e%252e"),
        UP.replace("../", "%25252E%25252E%25252F"),
        UP.replace("..", ".%2e"),
    ],
)
def test_percent_encoded_dots_do_not_leave_the_static_files(escape):
    """urllib decodes the URL when it opens the file: the check saw ``static/%2e%2e/...``
    inside the static files, and the PDF got /etc/passwd."""
    with pytest.raises(ValueError, match="only the project's static files"):
        StaticOnlyFetcher().fetch(static_base_url() + escape + "etc/passwd")


def test_it_fetches_a_static_file_named_with_escapes_or_on_localhost():
    url = static_base_url() + "css/%72eport-print.css?v=1"
    assert b"@page" in StaticOnlyFetcher().fetch(url).read()
    local = static_base_url().replace("file://", "file://localhost")
    assert StaticOnlyFetcher().fetch(local + "css/report-print.css") is not None
    with pytest.raises(ValueError, match="only the project's static files"):
        StaticOnlyFetcher().fetch(static_base_url().replace("file://", "file://evil.example"))


def test_a_failed_render_leaves_the_previous_file_and_no_partial_one(version, tmp_path):
    out = tmp_path / "report.csv"
    out.write_text("previous")
    with pytest.raises(ValueError):
        render(out, kind="entries", fmt="odt", version=version)
    assert out.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]


def test_it_sweeps_the_leftovers_of_long_dead_renders(version, tmp_path):
    stale, fresh = tmp_path / ".old.csv.abc.part", tmp_path / ".new.csv.def.part"
    for leftover in (stale, fresh):
        leftover.write_text("half a file")
    os.utime(stale, (0, 0))
    render(tmp_path / "entries.csv", kind="entries", fmt="csv", version=version)
    assert not stale.exists() and fresh.exists()


def test_a_large_compilation_is_laid_out_in_parts_and_merged(version, entries, tmp_path, settings):
    settings.REPORT_SPLIT_MIN_ENTRIES = 2
    settings.REPORT_PART_PARAGRAPHS = 60  # the zero draft's 155 paragraphs: three parts
    out = tmp_path / "compilation.pdf"
    render(out, kind="compilation", fmt="pdf", version=version)
    pages = pdf_text(out).split("\f")[: pdf_pages(out)]
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in " ".join(page.split())
    found = re.findall(r"^\s*((?:OP|PP)\w+(?: bis)?)\s*$", "\f".join(pages), flags=re.MULTILINE)
    assert found.index("OP31 bis") == found.index("OP31") + 1
    assert len(found) == version.paragraphs.count() + 1
    # Beside it, only the parts kept for the next compilation.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compilation.pdf", "report-parts"]
    assert len(list((tmp_path / "report-parts" / str(version.pk)).iterdir())) == 3


def test_page_references_are_built_again_only_when_pages_are_added():
    pdf = PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    references = pdf.page_references
    # What pydyf itself returns: one "N 0 R" per page, in order.
    assert references == tuple(f"{n} 0 R".encode() for n in pdf.pages["Kids"][::3])
    assert len(references) == 3 and pdf.page_references is references
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert len(pdf.page_references) == 4
    assert pdf.page_references[-1] == f"{pdf.objects[-1].number} 0 R".encode()


def test_the_collector_thresholds_come_back_after_a_render_even_a_failed_one():
    before = gc.get_threshold()
    with pytest.raises(ValueError), fewer_collections():
        assert gc.get_threshold()[0] > before[0]
        raise ValueError
    assert gc.get_threshold() == before


@pytest.mark.parametrize("fmt", ["docx", "pdf", "csv"])
def test_text_stored_with_control_characters_still_renders(version, entries, org_b, fmt, tmp_path):
    """Typed before forms refused them (self-accreditation took any name): XML 1.0 cannot hold
    most control characters, and python-docx failed on every compilation that named the
    organisation."""
    org_b.name = "Universal\x01 Postal\x0b Union\x7f\x9b\ufffe"
    org_b.save()
    entries["upu_26"].text = "Post\x08 offices\x1f connect\x0c the unconnected."
    entries["upu_26"].save()
    kind = "entries" if fmt == "csv" else "compilation"
    out = tmp_path / f"compilation.{fmt}"
    render(out, kind=kind, fmt=fmt, version=version)
    if fmt == "docx":
        document = WordFile(out)
        assert "Universal Postal Union (UN system" in "\n".join(document.paragraphs())
        assert "Justification: Post offices connect the unconnected." in str(document.comments())
    elif fmt == "pdf":
        assert "unconnected" in pdf_text(out)
    else:
        assert "Universal\x01 Postal" in out.read_text(encoding="utf-8-sig")
