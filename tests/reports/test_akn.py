"""An organisation's submission and the compilation as Akoma Ntoso amendment lists, valid
against the Akoma Ntoso 3.0 schema."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree

from wsis.drafts.akn import NAMESPACE, schema_errors

pytestmark = pytest.mark.django_db
NS = {"a": NAMESPACE}


def amendments(capsys, *extra):
    call_command(
        "export_version", "--consultation", "wsis20", "--label", "Zero draft", "--format", "akn",
        *extra,
    )  # fmt: skip
    data = capsys.readouterr().out.encode()
    assert schema_errors(data) == []
    return etree.fromstring(data)


def test_the_upus_submission_is_an_amendment_list_of_its_entries(version, entries, capsys):
    document = amendments(capsys, "--organisation", "upu")
    [listing] = document.findall("a:amendmentList", NS)
    assert listing.get("name") == "submission"
    assert listing.findtext("a:preface//a:docProponent", namespaces=NS) == "Universal Postal Union"
    [amendment] = listing.findall("a:collectionBody/a:component/a:amendment", NS)
    assert amendment.get("name") == "amendment"
    assert amendment.findtext("a:preface//a:docProponent", namespaces=NS) == (
        "Universal Postal Union"
    )
    body = amendment.find("a:amendmentBody", NS)
    assert body.findtext("a:amendmentReference/a:p/a:ref", namespaces=NS) == "OP26"
    content = body.find("a:amendmentContent/a:p", NS)
    assert [e.text for e in content.findall("a:ins", NS)] == ["postal and digital "]
    assert content.findall("a:del", NS) == []
    assert "".join(content.itertext()) == entries["upu_26"].proposed_text
    assert body.findtext("a:amendmentJustification/a:p", namespaces=NS) == (
        "Post offices connect the unconnected."
    )


def test_the_compilation_lists_every_published_entry_with_its_changes(version, entries, capsys):
    document = amendments(capsys, "--amendments")
    listing = document.find("a:amendmentList", NS)
    assert listing.get("name") == "compilation"
    found = listing.findall("a:collectionBody/a:component/a:amendment", NS)
    assert sorted(a.get("name") for a in found) == [
        "amendment", "amendment", "comment", "deletion", "new_paragraph",
    ]  # fmt: skip
    op26 = version.paragraphs.get(label="26").text
    deletions = [
        (a.findtext("a:preface//a:docProponent", namespaces=NS), d.text)
        for a in found
        for d in a.iterfind(".//a:del", NS)
    ]
    assert deletions == [("Brazil", op26)]
    comment = next(a for a in found if a.get("name") == "comment")
    assert comment.find(".//a:amendmentContent", NS) is None
    assert comment.findtext(".//a:amendmentJustification/a:p", namespaces=NS) == (
        "Human rights must come first."
    )
    text = etree.tostring(document, encoding="unicode")
    assert "Pending comment" not in text and "Rejected off-topic" not in text
    with_pending = etree.tostring(amendments(capsys, "--amendments", "--with-pending"))
    assert b"Pending comment from Brazil." in with_pending


def test_an_unknown_organisation_is_an_error(version):
    with pytest.raises(CommandError, match="no organisation with the acronym 'XYZ'"):
        call_command(
            "export_version", "--consultation", "wsis20", "--label", "Zero draft",
            "--format", "akn", "--organisation", "XYZ",
        )  # fmt: skip
