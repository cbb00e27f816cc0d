import pytest
from django.core.management import CommandError, call_command

from tests.reports.word_xml import WordFile


def compile_zero_draft(out, *args):
    call_command(
        "compile_report",
        "--consultation",
        "wsis20",
        "--label",
        "Zero draft",
        *args,
        "--out",
        str(out),
    )


def test_it_writes_the_csv_of_all_entries(version, entries, tmp_path, capsys):
    out = tmp_path / "entries.csv"
    compile_zero_draft(out, "--format", "csv")
    # The header and the five published entries (not the pending, rejected or hidden ones).
    assert out.read_text(encoding="utf-8-sig").count("\n") == 6
    assert f"Wrote {out}" in capsys.readouterr().out


def test_it_writes_an_organisations_submission(version, entries, tmp_path):
    out = tmp_path / "kenya.docx"
    compile_zero_draft(out, "--organisation", "ken", "--format", "docx")
    text = "\n".join(WordFile(out).paragraphs())
    assert "With the comments and proposals of Kenya (Member State)" in text
    assert "Kenya addition." in text and "postal and digital" not in text


def test_it_filters_like_the_web_form(version, entries, tmp_path):
    out = tmp_path / "entries.csv"
    compile_zero_draft(out, "--format", "csv", "--with-pending", "--groups", "civil_society")
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 2 and "Access Now" in rows[1]


@pytest.mark.parametrize(
    "args,message",
    [
        (["--label", "Rev.9"], "No version 'Rev.9'"),
        (["--label", "Zero draft", "--organisation", "XYZ"], "No organisation with acronym"),
        (["--label", "Zero draft", "--groups", "lobbyists"], "Unknown stakeholder groups"),
    ],
)
def test_it_explains_bad_arguments(version, tmp_path, args, message):
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match=message):
        call_command("compile_report", "--consultation", "wsis20", *args, "--out", str(out))
    assert not out.exists()
