"""Every version as Akoma Ntoso XML (AKN4UN), valid against the Akoma Ntoso 3.0 schema, and
read back by ``import_resolution`` to the same version."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from lxml import etree

from tests.conftest import parsed
from wsis.drafts.akn import NAMESPACE, read_draft, schema_errors, version_as_akn
from wsis.drafts.demo import UPU_COPY, ZERO_DRAFT
from wsis.drafts.export import version_as_dict
from wsis.drafts.models import Consultation

pytestmark = pytest.mark.django_db
NS = {"a": NAMESPACE}


def exported(capsys, label="Zero draft", *extra) -> bytes:
    call_command(
        "export_version", "--consultation", "wsis20", "--label", label, "--format", "akn", *extra
    )
    return capsys.readouterr().out.encode()


def test_a_version_is_a_resolution_valid_against_the_schema(version, capsys):
    data = exported(capsys)
    assert schema_errors(data) == []
    document = etree.fromstring(data)
    [statement] = document.findall("a:statement", NS)
    assert statement.get("name") == "resolution"
    assert document.findtext(".//a:preface//a:docTitle", namespaces=NS) == version.title
    assert document.findtext(".//a:preface//a:docStage", namespaces=NS) == "Zero draft"
    assert document.findtext("a:statement/a:preamble/a:formula/a:p", namespaces=NS) == (
        "The General Assembly,"
    )
    recitals = statement.findall("a:preamble/a:recitals/a:recital", NS)
    preambular = version.paragraphs.filter(kind="preambular").order_by("order")
    assert [r.findtext("a:num", namespaces=NS) for r in recitals] == [
        f"{p.label}." for p in preambular
    ]
    assert recitals[0].findtext("a:p", namespaces=NS) == preambular[0].text
    sections = statement.findall("a:mainBody/a:section", NS)
    operative = version.paragraphs.filter(kind="operative").order_by("order")
    numbered = [p for s in sections for p in s.findall("a:paragraph", NS)]
    assert [p.findtext("a:num", namespaces=NS) for p in numbered] == [
        f"{p.label}." for p in operative
    ]
    assert numbered[25].findtext("a:content/a:p", namespaces=NS) == operative[25].text
    assert "Bridging digital divides" in [s.findtext("a:heading", namespaces=NS) for s in sections]


def test_the_preface_has_the_document_symbol_when_the_version_has_one(version):
    assert b"docNumber" not in version_as_akn(version, timezone.now())
    version.symbol = "A/80/L.1"  # a field of its own on another branch; read with getattr
    data = version_as_akn(version, timezone.now())
    assert schema_errors(data) == []
    document = etree.fromstring(data)
    assert document.findtext(".//a:preface//a:docNumber", namespaces=NS) == "A/80/L.1"


@pytest.mark.parametrize("path", [ZERO_DRAFT, UPU_COPY], ids=["zero-draft", "upu-copy"])
def test_import_resolution_reads_it_back_to_the_same_version(path, capsys, tmp_path):
    call_command(
        "import_resolution", str(path), "--consultation", "wsis20", "--label", "Zero draft"
    )
    capsys.readouterr()
    original = Consultation.objects.get(slug="wsis20").versions.get(label="Zero draft")
    out = tmp_path / "zero.akn.xml"
    out.write_bytes(exported(capsys))

    def shape(draft):
        return [(p.label, p.kind, p.text) for p in draft.paragraphs]

    assert shape(read_draft(out.read_bytes())) == shape(parsed(path))
    call_command("import_resolution", str(out), "--consultation", "copy", "--label", "Zero draft")
    assert "Imported" in capsys.readouterr().out
    copy = Consultation.objects.get(slug="copy").versions.get(label="Zero draft")
    assert copy.title == original.title
    assert version_as_dict(copy)["sections"] == version_as_dict(original)["sections"]


def test_a_section_of_preambular_and_operative_paragraphs_comes_back_whole(version, tmp_path):
    section = version.paragraphs.get(label="G").section
    version.paragraphs.filter(label="1").update(section=section)
    draft = read_draft(version_as_akn(version, timezone.now()))
    [joined] = [s for s in draft.sections if s.heading == section.heading]
    assert [p.label for p in joined.paragraphs][-2:] == ["G", "1"]


@pytest.mark.parametrize(
    "data,message",
    [
        (b"<akomaNtoso", "not well formed"),
        (b'<akomaNtoso xmlns="urn:other"/>', "not an Akoma Ntoso 3.0 document"),
    ],
)
def test_a_bad_file_imports_nothing_and_says_why(data, message, tmp_path):
    path = tmp_path / "bad.xml"
    path.write_bytes(data)
    with pytest.raises(CommandError, match=message):
        call_command("import_resolution", str(path), "--consultation", "bad", "--label", "X")
    assert not Consultation.objects.filter(slug="bad").exists()


def test_paragraphs_out_of_order_are_refused_with_their_line(version, tmp_path):
    data = version_as_akn(version, timezone.now()).replace(b"<num>3.</num>", b"<num>4.</num>", 1)
    path = tmp_path / "shuffled.xml"
    path.write_bytes(data)
    with pytest.raises(CommandError, match=r"line \d+: paragraph 4 is out of order"):
        call_command("import_resolution", str(path), "--consultation", "bad", "--label", "X")
