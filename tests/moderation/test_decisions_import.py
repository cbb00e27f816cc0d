import csv
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.conftest import parsed, run_in_process
from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry
from wsis.drafts.demo import ZERO_DRAFT
from wsis.drafts.importer import import_draft
from wsis.moderation import tasks
from wsis.reports.rendering import CSV_HEADER, render

pytestmark = pytest.mark.django_db

URL = reverse("moderation:import_decisions", args=["wsis20"])


def csv_bytes(rows, header=("entry", "decision", "decision rationale")) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def run(tmp_path, data: bytes, label="Zero draft"):
    path = tmp_path / "decisions.csv"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_decisions", str(path), consultation="wsis20", label=label, stdout=out)
    return out.getvalue()


def refused(tmp_path, data: bytes) -> str:
    with pytest.raises(CommandError) as caught:
        run(tmp_path, data)
    return str(caught.value)


@pytest.fixture
def published(make_entry, org_a, org_b, delegate_b):
    """Two published amendments and a published comment, as a compilation exports them."""
    amendment_a = make_entry(org_a, moderation="published")
    amendment_b = make_entry(
        org_b, label="30", author=delegate_b.user, moderation="published",
        proposed_text="A wholly new wording.",
    )  # fmt: skip
    comment = make_entry(
        org_a, label="27", kind="comment", proposed_text="", moderation="published"
    )
    return amendment_a, amendment_b, comment


def test_the_columns_it_reads_are_those_the_export_writes():
    assert {"entry", "decision", "decision rationale"} <= set(CSV_HEADER)


def test_a_round_trip_through_the_export_records_each_changed_decision(
    tmp_path, version, published, focal_a, monkeypatch, django_capture_on_commit_callbacks
):
    run_in_process(monkeypatch, tasks.send_notifications)
    amendment_a, amendment_b, comment = published
    exported = tmp_path / "entries.csv"
    render(exported, kind="entries", fmt="csv", version=version)
    with open(exported, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3
    for row in rows:
        if row["entry"] == str(amendment_a.pk):
            row["decision"] = "partially incorporated"
            row["decision rationale"] = "-Kept the first half."  # exported as a defused '-…
        elif row["entry"] == str(amendment_b.pk):
            row["decision"] = "not incorporated"
            row["decision rationale"] = "Outside the mandate."
    edited = io.StringIO(newline="")
    writer = csv.DictWriter(edited, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

    with django_capture_on_commit_callbacks(execute=True):
        printed = run(tmp_path, edited.getvalue().encode("utf-8-sig"))

    assert "Zero draft: 2 decisions recorded" in printed
    assert "partially incorporated: 1" in printed and "not incorporated: 1" in printed
    assert "1 rows unchanged" in printed
    amendment_a.refresh_from_db()
    amendment_b.refresh_from_db()
    comment.refresh_from_db()
    assert (amendment_a.decision, amendment_a.decision_rationale) == (
        "partial",
        "-Kept the first half.",
    )
    assert (amendment_b.decision, amendment_b.decision_rationale) == (
        "not_incorporated",
        "Outside the mandate.",
    )
    assert comment.decision == "open"
    # Through the one decision service: audited, and the organisation's focal point told.
    decided = AuditEvent.objects.filter(action="entry.decided")
    assert decided.count() == 2
    assert {event.data["decision"] for event in decided} == {"partial", "not_incorporated"}
    assert [message.to for message in mail.outbox] == [["fatima@example.org"]]

    # The same file again: every row is unchanged, nothing is recorded twice.
    render(exported, kind="entries", fmt="csv", version=version)
    printed = run(tmp_path, exported.read_bytes())
    assert "0 decisions recorded; 3 rows unchanged." in printed
    assert AuditEvent.objects.filter(action="entry.decided").count() == 2


def test_it_reads_the_values_the_export_writes(tmp_path, published):
    amendment_a, amendment_b, _comment = published
    run(
        tmp_path,
        csv_bytes(
            [
                [amendment_a.pk, "not_incorporated", "No."],
                [amendment_b.pk, " Partial ", "In part."],
            ]
        ),
    )
    amendment_a.refresh_from_db()
    amendment_b.refresh_from_db()
    assert (amendment_a.decision, amendment_b.decision) == ("not_incorporated", "partial")


BAD_ROWS = {
    "unknown entry": (lambda e: [999999, "incorporated", "Yes."], "no submitted entry #999999"),
    "not a number": (lambda e: ["OP 26", "incorporated", "Yes."], "“OP 26” is not an entry"),
    "unknown decision": (
        lambda e: [e.pk, "accepted", "Yes."],
        "“accepted” is not a decision; write one of: open, incorporated, partially "
        "incorporated, not incorporated",
    ),
    "missing rationale": (
        lambda e: [e.pk, "incorporated", "  "],
        "give the rationale for the decision on entry #",
    ),
    "control characters": (
        lambda e: [e.pk, "incorporated", "Yes\x07."],
        "invisible control characters",
    ),
}


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_one_bad_row_names_its_line_and_nothing_is_saved(tmp_path, published, kind):
    amendment_a, amendment_b, _comment = published
    bad_row, message = BAD_ROWS[kind]
    data = csv_bytes([[amendment_b.pk, "incorporated", "Taken in Rev.1."], bad_row(amendment_a)])
    error = refused(tmp_path, data)
    assert "nothing was recorded" in error
    assert "Line 3: " in error and message in error
    amendment_b.refresh_from_db()
    assert amendment_b.decision == "open"
    assert not AuditEvent.objects.filter(action="entry.decided").exists()


def test_every_bad_row_is_named_at_once(tmp_path, published):
    amendment_a, amendment_b, comment = published
    error = refused(
        tmp_path,
        csv_bytes(
            [
                [amendment_a.pk, "incorporated", ""],
                [amendment_b.pk, "maybe", "?"],
                [comment.pk, "incorporated", "A comment cannot be."],
                [amendment_a.pk, "open", ""],
            ]
        ),
    )
    assert f"Line 2: give the rationale for the decision on entry #{amendment_a.pk}." in error
    assert "Line 3: “maybe” is not a decision" in error
    assert f"Line 4: entry #{comment.pk} is a comment: a comment takes no decision." in error
    assert f"Line 5: entry #{amendment_a.pk} is already on line 2." in error


def test_it_refuses_an_entry_of_another_version(tmp_path, consultation, published):
    amendment_a, _b, _comment = published
    rev1 = import_draft(consultation, "Rev.1", parsed(ZERO_DRAFT))
    with pytest.raises(CommandError) as caught:
        run(tmp_path, csv_bytes([[amendment_a.pk, "incorporated", "Yes."]]), label=rev1.label)
    assert f"Line 2: entry #{amendment_a.pk} was made on Zero draft, not on Rev.1." in str(
        caught.value
    )
    amendment_a.refresh_from_db()
    assert amendment_a.decision == "open"


def test_it_refuses_rejected_and_withdrawn_entries_and_drafts(tmp_path, make_entry, org_a):
    rejected = make_entry(org_a, moderation="rejected")
    withdrawn = make_entry(org_a, label="27", status="withdrawn")
    draft = make_entry(org_a, label="28", status="draft", submitted_at=None)
    error = refused(
        tmp_path,
        csv_bytes(
            [
                [rejected.pk, "incorporated", "Yes."],
                [withdrawn.pk, "incorporated", "Yes."],
                [draft.pk, "incorporated", "Yes."],
            ]
        ),
    )
    assert f"Line 2: entry #{rejected.pk} is rejected: it takes no decision." in error
    assert f"Line 3: entry #{withdrawn.pk} was withdrawn by its organisation." in error
    # A draft is its organisation's alone: to the facilitators it does not exist.
    assert f"Line 4: there is no submitted entry #{draft.pk} in this consultation." in error


def test_it_refuses_a_file_without_the_columns(tmp_path, published):
    error = refused(tmp_path, csv_bytes([[1, "open"]], header=("entry", "decision")))
    assert "no column “decision rationale”" in error


def test_it_refuses_a_file_that_is_not_utf8(tmp_path, published):
    error = refused(tmp_path, "entry,decision,decision rationale\n1,open,é\n".encode("latin-1"))
    assert "not UTF-8" in error


def test_it_refuses_an_unknown_version(tmp_path, published):
    with pytest.raises(CommandError, match="No published version 'Rev.9'"):
        run(tmp_path, csv_bytes([]), label="Rev.9")


# The page ------------------------------------------------------------------------------------


def upload(data: bytes, version="Zero draft"):
    return {
        "version": version,
        "file": SimpleUploadedFile("decisions.csv", data, content_type="text/csv"),
    }


def test_the_dashboard_offers_the_upload(facilitator, version):
    response = facilitator.get(reverse("moderation:dashboard", args=["wsis20"]))
    assert URL in response.content.decode()
    assert 'name="version" value="Zero draft"' in response.content.decode()


def test_the_page_records_the_decisions_and_says_how_many(facilitator, published):
    amendment_a, amendment_b, _comment = published
    data = csv_bytes(
        [
            [amendment_a.pk, "incorporated", "Taken in Rev.1."],
            [amendment_b.pk, "incorporated", "Taken in Rev.1."],
        ]
    )
    response = facilitator.post(URL, upload(data), follow=True)
    assert response.redirect_chain == [(reverse("moderation:dashboard", args=["wsis20"]), 302)]
    text = response.content.decode()
    assert "Zero draft: 2 decisions recorded (incorporated: 2); 0 rows unchanged." in text
    assert Entry.objects.filter(decision="incorporated").count() == 2
    assert AuditEvent.objects.get(action="entry.decided", target=f"comments.entry:{amendment_a.pk}")


def test_the_page_lists_each_bad_row_and_saves_nothing(facilitator, published):
    amendment_a, amendment_b, _comment = published
    data = csv_bytes([[amendment_a.pk, "incorporated", "Yes."], [amendment_b.pk, "perhaps", ""]])
    response = facilitator.post(URL, upload(data))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing was recorded" in text
    assert "Line 3: “perhaps” is not a decision" in text
    assert not Entry.objects.exclude(decision="open").exists()


def test_the_page_refuses_a_version_in_preparation_or_of_nobody(facilitator, published):
    response = facilitator.post(URL, upload(csv_bytes([]), version="Rev.9"))
    assert response.status_code == 400
    assert "Nothing was recorded" in response.content.decode()
