"""The submission and the compilation as Word documents that Word users can work with: tracked
changes authored by each organisation, comments in the margin, a filled table of contents,
page numbers and properties of our own. Each file is opened as XML and checked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.reports.word_xml import COMMENTS_REL, COMMENTS_TYPE, NS, WordFile, paragraph_text, w
from wsis.reports.compilation import Options
from wsis.reports.rendering import render

pytestmark = pytest.mark.django_db


def rendered(tmp_path, version, kind="compilation", **kwargs) -> WordFile:
    out = tmp_path / f"{kind}.docx"
    render(out, kind=kind, fmt="docx", version=version, **kwargs)
    return WordFile(out)


def test_the_upus_submission_is_its_proposal_as_changes_tracked_by_the_upu(
    version, entries, org_b, tmp_path
):
    document = rendered(tmp_path, version, "submission", organisation=org_b)
    op26 = version.paragraphs.get(label="26").text
    assert document.revisions("ins") == [("Universal Postal Union", "postal and digital ")]
    assert document.revisions("del") == []
    # Accepting gives the UPU's wording; rejecting, the draft's.
    assert entries["upu_26"].proposed_text in document.paragraphs(accept=True)
    assert op26 in document.paragraphs(accept=False)
    inserted = next(document.body.iter(w("ins")))
    assert inserted.get(w("date")).endswith("Z") and inserted.get(w("id"))
    assert [t.tag for t in inserted.iter(w("t"))] == [w("t")]
    # Its justification is a comment by the UPU on that paragraph.
    assert document.comments() == [
        (
            "Universal Postal Union",
            "Post offices connect the unconnected.\nSupported by: Kenya (Member State)",
        )
    ]
    [anchored] = document.commented_paragraphs().values()
    assert anchored == [entries["upu_26"].proposed_text]
    # Only its own entries.
    assert "Kenya addition." not in "\n".join(document.paragraphs())


def test_deletions_are_in_del_text_and_whole_paragraphs_carry_their_mark(
    version, entries, org_a, org_d, tmp_path
):
    brazil = rendered(tmp_path, version, "submission", organisation=org_d)
    op26 = version.paragraphs.get(label="26").text
    assert brazil.revisions("del") == [("Brazil", op26)]
    [deleted] = brazil.body.findall(".//w:p/w:del", NS)
    assert [e.tag for e in deleted.iter(w("delText"), w("t"))] == [w("delText")]
    marks = brazil.body.findall(".//w:pPr/w:rPr/w:del", NS)
    assert [m.get(w("author")) for m in marks] == ["Brazil"]
    assert brazil.comments() == [("Brazil", "Redundant with OP 27.")]

    kenya = rendered(tmp_path, version, "submission", organisation=org_a)
    assert ("Kenya", "Encourages mobile money interoperability.") in kenya.revisions("ins")
    assert ("Kenya", " Kenya addition.") in kenya.revisions("ins")
    marks = kenya.body.findall(".//w:pPr/w:rPr/w:ins", NS)
    assert [m.get(w("author")) for m in marks] == ["Kenya"]


def test_the_compilation_tracks_each_proposal_by_its_organisation(version, entries, tmp_path):
    document = rendered(tmp_path, version)
    authors = {author for author, _text in document.revisions("ins") + document.revisions("del")}
    assert authors == {"Universal Postal Union", "Kenya", "Brazil"}
    # Comments and justifications in the margin, each by its organisation.
    comments = dict(document.comments())
    assert comments["Access Now"] == "Human rights must come first."
    assert comments["Kenya"] in (
        "Justification: Kenya's reason.",
        "Justification: A gap in the draft.",
    )
    anchored = document.commented_paragraphs()
    op26 = version.paragraphs.get(label="26").text
    assert anchored["Human rights must come first."] == [op26]
    assert anchored["Justification: Kenya's reason."] == [op26 + " Kenya addition."]
    # Nothing rejected, hidden, pending or unsent.
    everything = "\n".join(document.paragraphs() + [t for _a, t in document.comments()])
    for absent in ("Rejected off-topic", "Hidden spam", "Pending comment", "Unsent draft"):
        assert absent not in everything
    # Annotations never share an id; every comment has its range and its reference.
    assert max(document.annotation_ids().values()) == 1
    for tag in ("commentRangeStart", "commentRangeEnd", "commentReference"):
        assert len(list(document.body.iter(w(tag)))) == len(document.comments())


def test_pending_entries_are_marked_in_the_comments_too(version, entries, tmp_path):
    document = rendered(tmp_path, version, options=Options(with_pending=True))
    assert ("Brazil", "pending moderation: Pending comment from Brazil.") in document.comments()


def test_comments_are_a_part_of_the_package(version, entries, tmp_path):
    document = rendered(tmp_path, version)
    types = document.xml("[Content_Types].xml")
    overrides = {
        o.get("PartName"): o.get("ContentType") for o in types.iter(f"{{{NS['ct']}}}Override")
    }
    assert overrides["/word/comments.xml"] == COMMENTS_TYPE
    rels = document.xml("word/_rels/document.xml.rels")
    targets = {r.get("Type"): r.get("Target") for r in rels.iter(f"{{{NS['rel']}}}Relationship")}
    assert targets[COMMENTS_REL] == "comments.xml"


def test_the_table_of_contents_is_filled_in_and_links_to_the_headings(version, entries, tmp_path):
    document = rendered(tmp_path, version)
    headings = list(version.sections.order_by("order").values_list("heading", flat=True))
    toc = [
        p
        for p in document.body.iter(w("p"))
        if p.find("w:pPr/w:pStyle", NS) is not None
        and p.find("w:pPr/w:pStyle", NS).get(w("val")) == "TOC1"
    ]
    assert [paragraph_text(p) for p in toc] == headings
    instructions = document.field_instructions("word/document.xml")
    assert instructions == ['TOC \\o "1-1" \\h \\z \\n']
    bookmarks = {b.get(w("name")) for b in document.body.iter(w("bookmarkStart"))}
    anchors = [link.get(w("anchor")) for p in toc for link in p.iter(w("hyperlink"))]
    assert len(anchors) == len(headings) and set(anchors) <= bookmarks
    assert "Right-click" not in document.parts["word/document.xml"].decode()
    assert b"updateFields" not in document.parts["word/settings.xml"]


def test_every_page_has_its_number_in_the_footer(version, entries, tmp_path):
    document = rendered(tmp_path, version)
    [footer] = document.footer_parts()
    assert document.field_instructions(footer) == ["PAGE"]


def test_its_properties_are_ours_not_python_docxs(version, entries, org_b, tmp_path):
    before = timezone.now().replace(microsecond=0)
    document = rendered(tmp_path, version, "submission", organisation=org_b)
    assert document.core("dc:title") == "WSIS+20 review · Zero draft · Universal Postal Union"
    assert document.core("dc:creator") == "Universal Postal Union"
    assert document.core("cp:lastModifiedBy") == "Universal Postal Union"
    created = document.core("dcterms:created")
    assert created == document.core("dcterms:modified")
    assert created >= (before - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    properties = b"".join(content for name, content in document.parts.items() if "docProps" in name)
    assert b"python-docx" not in properties and b"Macintosh" not in properties
    assert not any("thumbnail" in name for name in document.parts)

    compilation = rendered(tmp_path, version)
    assert compilation.core("dc:creator") == "Resolution commenting"
