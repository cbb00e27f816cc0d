"""``import_resolution`` aligns a new version; ``export_version --with-entries`` carries entries."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.drafts.conftest import REV1
from wsis.drafts.demo import ZERO_DRAFT
from wsis.drafts.models import Version


def run(*args):
    call_command("import_resolution", *map(str, args))


def export(capsys, label, *extra):
    capsys.readouterr()
    call_command("export_version", "--consultation", "wsis20", "--label", label, *extra)
    return json.loads(capsys.readouterr().out)


@pytest.mark.django_db
def test_a_second_version_is_aligned_and_left_in_preparation(capsys):
    run(ZERO_DRAFT, "--consultation", "wsis20", "--label", "Zero draft")
    run(REV1, "--consultation", "wsis20", "--label", "Rev.1")
    out = capsys.readouterr().out
    assert "Aligned with Zero draft: 1 deleted, 3 edited, 2 merged, 1 moved, 1 new" in out
    assert "--accept-alignment" in out
    rev1 = Version.objects.get(label="Rev.1")
    assert rev1.is_preparing
    assert Version.objects.get(label="Zero draft").status == Version.Status.OPEN


@pytest.mark.django_db
def test_accept_alignment_publishes(capsys):
    run(ZERO_DRAFT, "--consultation", "wsis20", "--label", "Zero draft")
    run(REV1, "--consultation", "wsis20", "--label", "Rev.1", "--accept-alignment")
    assert "Published Rev.1" in capsys.readouterr().out
    rev1 = Version.objects.get(label="Rev.1")
    assert rev1.status == Version.Status.OPEN and rev1.round.is_open_for(None)
    assert not rev1.links.filter(confirmed=False).exists()
    assert Version.objects.get(label="Zero draft").status == Version.Status.SUPERSEDED


@pytest.mark.django_db
def test_a_version_in_preparation_is_replaced_and_blocks_another(capsys):
    run(ZERO_DRAFT, "--consultation", "wsis20", "--label", "Zero draft")
    run(REV1, "--consultation", "wsis20", "--label", "Rev.1")
    run(REV1, "--consultation", "wsis20", "--label", "Rev.1")
    assert Version.objects.count() == 2
    with pytest.raises(CommandError, match="Rev.1 is already in preparation"):
        run(REV1, "--consultation", "wsis20", "--label", "Rev.2")
    assert Version.objects.count() == 2


@pytest.mark.django_db
def test_export_works_for_every_version(published_rev1, capsys):
    for label in ("Zero draft", "Rev.1"):
        data = export(capsys, label)
        assert set(data) == {"consultation", "label", "title", "header", "sections"}
        assert sum(len(s["paragraphs"]) for s in data["sections"]) == 155


@pytest.mark.django_db
def test_export_with_entries_carries_them_with_made_on(published_rev1, zero_entries, capsys):
    data = export(capsys, "Rev.1", "--with-entries")
    paragraphs = {p["label"]: p for s in data["sections"] for p in s["paragraphs"]}
    [upu] = paragraphs["24"]["entries"]
    assert upu["organisation"] == "UPU" and upu["kind"] == "amendment"
    assert upu["made_on"] == {"version": "Zero draft", "label": "OP 26"}
    assert upu["changed"] is True
    merged = paragraphs["21"]["entries"]
    assert [e["made_on"]["label"] for e in merged] == ["OP 22", "OP 23"]
    assert [e["made_on"]["label"] for e in paragraphs["11"]["entries"]] == ["OP 12"]
    assert [e["made_on"]["label"] for e in paragraphs["12"]["entries"]] == ["OP 12"]
    assert paragraphs["28"]["entries"] == []
    assert [e["made_on"]["label"] for e in data["orphaned_entries"]] == ["OP 7", "OP 7"]
    # On the zero draft itself, its entries are its own, with no made_on.
    zero = export(capsys, "Zero draft", "--with-entries")
    op26 = next(p for s in zero["sections"] for p in s["paragraphs"] if p["label"] == "26")
    assert [set(e) for e in op26["entries"]] == [
        {
            "organisation",
            "group",
            "kind",
            "text",
            "proposed_text",
            "status",
            "moderation",
            "decision",
            "supporters",
        }
    ]
    assert zero["orphaned_entries"] == []
