import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import parsed
from wsis.drafts.demo import UPU_COPY, ZERO_DRAFT


def export(capsys, label="Zero draft", *extra):
    call_command(
        "export_version", "--consultation", "wsis20", "--label", label, "--format", "json", *extra
    )
    return json.loads(capsys.readouterr().out)


@pytest.mark.django_db
@pytest.mark.parametrize("path", [ZERO_DRAFT, UPU_COPY], ids=["zero-draft", "upu-copy"])
def test_import_then_export_gives_back_every_paragraph(path, capsys):
    call_command(
        "import_resolution", str(path), "--consultation", "wsis20", "--label", "Zero draft"
    )
    capsys.readouterr()
    data = export(capsys)
    assert set(data) == {"consultation", "label", "title", "header", "sections"}
    assert data["consultation"] == "wsis20" and data["label"] == "Zero draft"
    source = parsed(path)
    assert [s["heading"] for s in data["sections"]] == [s.heading for s in source.sections]
    exported = [p for s in data["sections"] for p in s["paragraphs"]]
    assert exported == [
        {"label": p.label, "kind": p.kind, "text": p.text, "status": "open"}
        for p in source.paragraphs
    ]
    assert exported[0]["text"] == source.paragraphs[0].text
    assert exported[7]["label"] == "1" and exported[7]["kind"] == "operative"


@pytest.mark.django_db
def test_with_entries_lists_them_under_each_paragraph(version, capsys):
    data = export(capsys, "Zero draft", "--with-entries")
    paragraphs = [p for s in data["sections"] for p in s["paragraphs"]]
    assert all(p["entries"] == [] for p in paragraphs)


@pytest.mark.django_db
def test_an_unknown_version_is_an_error():
    with pytest.raises(CommandError, match="no version 'Rev.9'"):
        call_command("export_version", "--consultation", "wsis20", "--label", "Rev.9")


def test_with_entries_gives_each_entry_in_the_documented_shape(
    version, org_a, org_b, delegate_a, delegate_b, capsys
):
    from tests.comments.conftest import make_entry

    proposal = make_entry(
        version, org_b, delegate_b.user, status="submitted", moderation="published",
        text="Why.", proposed_text="New words.",
    )  # fmt: skip
    proposal.supports.create(organisation=org_a, user=delegate_a.user)
    make_entry(version, org_a, delegate_a.user, label="31", kind="new_paragraph",
               proposed_text="We also note.")  # fmt: skip
    data = export(capsys, "Zero draft", "--with-entries")
    paragraphs = {p["label"]: p for s in data["sections"] for p in s["paragraphs"]}
    assert paragraphs["26"]["entries"] == [
        {
            "organisation": "UPU",
            "group": "un_system",
            "kind": "amendment",
            "text": "Why.",
            "proposed_text": "New words.",
            "status": "submitted",
            "moderation": "published",
            "decision": "open",
            "supporters": ["KEN"],
        }
    ]
    assert paragraphs["31"]["entries"][0]["kind"] == "new_paragraph"
    assert paragraphs["31"]["entries"][0]["status"] == "draft"
