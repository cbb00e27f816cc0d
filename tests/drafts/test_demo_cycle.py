"""One negotiation cycle on the demo, through the commands a secretariat runs: export the
compilation as CSV, decide in the spreadsheet, import the decisions, compose and publish Rev.1,
then follow the UPU's amendment on OP 26 into Rev.1 in the ledger and the version's export."""

import csv
import json

import pytest
from django.core.management import call_command

from wsis.comments.models import Entry
from wsis.drafts.models import Version

pytestmark = pytest.mark.django_db

RATIONALE = "Postal networks are named in Rev.1, as the UPU proposed."


@pytest.fixture(autouse=True)
def development(settings):
    # pytest-django turns DEBUG off, and load_demo refuses to run then.
    settings.DEBUG = True


def json_of(capsys, *args):
    capsys.readouterr()
    call_command(*args)
    return json.loads(capsys.readouterr().out)


def test_the_upus_amendment_on_op26_goes_into_rev1(tmp_path, capsys):
    call_command("load_demo")
    compilation = tmp_path / "zero-draft.csv"
    call_command(
        "compile_report", "--consultation", "wsis20", "--label", "Zero draft",
        "--format", "csv", "--out", str(compilation),
    )  # fmt: skip

    # The secretariat decides in the spreadsheet: the UPU's amendment on OP 26 is incorporated.
    with compilation.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        header, rows = reader.fieldnames, list(reader)
    upu_op26 = [
        row
        for row in rows
        if row["acronym"] == "UPU"
        and row["kind"] == "amendment"
        and row["paragraph"].replace(" ", "") in ("OP26", "26")
    ]
    assert len(upu_op26) == 1, [(r["acronym"], r["paragraph"], r["kind"]) for r in rows]
    upu_op26[0]["decision"] = "incorporated"
    upu_op26[0]["decision rationale"] = RATIONALE
    with compilation.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)

    call_command(
        "import_decisions", str(compilation), "--consultation", "wsis20", "--label", "Zero draft"
    )
    assert "1 decisions recorded (incorporated: 1)" in capsys.readouterr().out
    entry = Entry.objects.get(pk=int(upu_op26[0]["entry"]))
    assert (entry.organisation.acronym, entry.paragraph.label) == ("UPU", "26")
    assert (entry.decision, entry.decision_rationale) == (Entry.Decision.INCORPORATED, RATIONALE)

    call_command(
        "compose_revision", "--consultation", "wsis20", "--from", "Zero draft",
        "--label", "Rev.1", "--publish",
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "1 proposal applied" in out and "Published Rev.1" in out
    rev1 = Version.objects.get(consultation__slug="wsis20", label="Rev.1")
    assert rev1.status == Version.Status.OPEN
    # The paragraph of Rev.1 that holds the UPU's wording, wherever it landed.
    (paragraph,) = rev1.paragraphs.filter(text=entry.proposed_text.strip())

    ledger = json_of(
        capsys, "export_ledger", "--consultation", "wsis20", "--organisation", "UPU",
        "--format", "json",
    )  # fmt: skip
    (line,) = [line for line in ledger if line["entry"] == entry.pk]
    assert line["made_on"] == {"version": "Zero draft", "label": "OP 26"}
    assert line["decision"] == "incorporated" and line["rationale"] == RATIONALE
    assert line["now_in"] == {"version": "Rev.1", "label": paragraph.display_label}

    exported = json_of(
        capsys, "export_version", "--consultation", "wsis20", "--label", "Rev.1", "--with-entries"
    )
    by_label = {p["label"]: p for s in exported["sections"] for p in s["paragraphs"]}
    took_in = by_label[paragraph.label]["took_in"]
    assert took_in == [
        {
            "entry": entry.pk,
            "organisation": "UPU",
            "kind": "amendment",
            "decision": "incorporated",
            "how": "applied",
        }
    ]
    assert by_label[paragraph.label]["text"] == entry.proposed_text.strip()
    # No other paragraph took anything in: only one proposal was decided.
    assert [label for label, p in by_label.items() if p["took_in"]] == [paragraph.label]
