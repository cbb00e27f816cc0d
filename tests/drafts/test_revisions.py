"""Uploading a new version, reviewing its alignment, publishing it, confirming outcomes."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.comments.conftest import make_entry
from tests.drafts.conftest import REV1
from wsis.audit.models import AuditEvent
from wsis.celery import app
from wsis.comments.models import Entry
from wsis.drafts.models import CommentRound, Version

PERSONAS = ["anonymous", "delegate_a", "focal_a", "delegate_b"]


def url(name, *args):
    return reverse(f"drafts:{name}", args=["wsis20", *args])


def rev1_file(text=None):
    data = REV1.read_bytes() if text is None else text.encode()
    return SimpleUploadedFile("rev1.txt", data, content_type="text/plain")


def refused(response, persona, status=403):
    """``status``: 404 for a version in preparation, which exists only for its facilitators."""
    if persona == "anonymous":
        return response.status_code == 302 and response["Location"].startswith("/signin/")
    return response.status_code == status


# Upload


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_facilitators_see_the_upload_form(request, version, persona):
    client = request.getfixturevalue(persona)
    assert refused(client.get(url("upload")), persona)


@pytest.mark.django_db
def test_the_facilitator_sees_the_upload_form(facilitator, version):
    response = facilitator.get(url("upload"))
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert b"Zero draft" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_facilitators_import(request, version, persona):
    client = request.getfixturevalue(persona)
    response = client.post(url("import"), {"label": "Rev.1", "file": rev1_file()})
    assert refused(response, persona)
    assert not Version.objects.filter(label="Rev.1").exists()


@pytest.mark.django_db
def test_import_refuses_get(facilitator, version):
    assert facilitator.get(url("import")).status_code == 405


@pytest.mark.django_db
def test_the_facilitator_imports_and_is_shown_the_alignment(facilitator, version):
    response = facilitator.post(url("import"), {"label": "Rev.1", "file": rev1_file()})
    assert response.status_code == 302
    assert response["Location"] == url("alignment", "Rev.1")
    rev1 = Version.objects.get(label="Rev.1")
    assert rev1.is_preparing and rev1.links.count() == 157
    assert AuditEvent.objects.filter(action="version.imported").count() == 1
    version.refresh_from_db()
    assert version.status == Version.Status.OPEN  # nothing changes until publication


@pytest.mark.django_db
def test_a_malformed_file_says_which_line_and_imports_nothing(facilitator, version):
    text = REV1.read_text().replace("- 27. We are", "- 29. We are")
    response = facilitator.post(url("import"), {"label": "Rev.1", "file": rev1_file(text)})
    assert response.status_code == 400
    line = text.splitlines().index(
        next(x for x in text.splitlines() if x.startswith("- 29. We are"))
    )
    assert f"line {line + 1} of the file".encode() in response.content
    assert b"duplicate or out of order" in response.content
    assert b'value="Rev.1"' in response.content  # what was typed is kept
    assert not Version.objects.filter(label="Rev.1").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01binary", b"binary"),
        (b"Title\n\nPreamble \xff\n", b"not UTF-8"),
        (b"", b"Choose the text file"),
    ],
)
def test_bad_files_are_refused_clearly(facilitator, version, data, message):
    upload = SimpleUploadedFile("bad.txt", data, content_type="text/plain")
    response = facilitator.post(url("import"), {"label": "Rev.1", "file": upload})
    assert response.status_code == 400
    assert message in response.content
    assert Version.objects.count() == 1


@pytest.mark.django_db
def test_a_missing_label_or_an_existing_one_is_refused(facilitator, version):
    response = facilitator.post(url("import"), {"label": " ", "file": rev1_file()})
    assert response.status_code == 400 and b"label" in response.content
    response = facilitator.post(url("import"), {"label": "Zero draft", "file": rev1_file()})
    assert response.status_code == 400 and b"already exists" in response.content
    assert Version.objects.count() == 1


@pytest.mark.django_db
def test_importing_again_replaces_the_version_in_preparation(facilitator, rev1):
    response = facilitator.post(url("import"), {"label": "Rev.1", "file": rev1_file()})
    assert response.status_code == 302
    assert Version.objects.filter(label="Rev.1").count() == 1
    response = facilitator.post(url("import"), {"label": "Rev.2", "file": rev1_file()})
    assert response.status_code == 400 and b"already in preparation" in response.content


# Alignment review


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_facilitators_see_the_alignment(request, rev1, persona):
    client = request.getfixturevalue(persona)
    assert refused(client.get(url("alignment", "Rev.1")), persona, 404)


@pytest.mark.django_db
def test_the_facilitator_sees_every_change(facilitator, rev1):
    response = facilitator.get(url("alignment", "Rev.1"))
    assert response.status_code == 200
    body = response.content.decode()
    for kind in ("deleted", "split", "merged", "moved", "new", "edited"):
        assert f"change-{kind}" in body
    assert 'value="OP 22, OP 23"' in body  # the merge, in one row
    assert "<ins>ensuring that digital services remain accessible" in body
    assert "Confirm the alignment" in body


@pytest.mark.django_db
def test_the_first_version_has_no_alignment(facilitator, version):
    assert facilitator.get(url("alignment", "Zero draft")).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_facilitators_save_the_alignment(request, rev1, persona):
    client = request.getfixturevalue(persona)
    assert refused(client.post(url("alignment_save", "Rev.1"), {}), persona, 404)
    assert not rev1.links.filter(confirmed=True).exists()


@pytest.mark.django_db
def test_saving_the_alignment_refuses_get(facilitator, rev1):
    assert facilitator.get(url("alignment_save", "Rev.1")).status_code == 405


def alignment_form(version):
    """The form as the page fills it."""
    data = {}
    for link in version.links.filter(target__isnull=False, source__isnull=False):
        key = f"from-{link.target_id}"
        data[key] = (
            f"{data[key]}, {link.source.display_label}"
            if key in data
            else link.source.display_label
        )
    return data


@pytest.mark.django_db
def test_the_facilitator_confirms_the_suggestion(facilitator, rev1):
    response = facilitator.post(url("alignment_save", "Rev.1"), alignment_form(rev1))
    assert response.status_code == 302
    assert rev1.links.count() == 157
    assert not rev1.links.filter(confirmed=False).exists()
    assert rev1.links.get(kind="moved").source.label == "19"


@pytest.mark.django_db
def test_the_facilitator_corrects_the_alignment(facilitator, rev1):
    data = alignment_form(rev1)
    new28 = rev1.paragraphs.get(label="28")
    op7 = rev1.paragraphs.get(label="7")
    data[f"from-{new28.pk}"] = "OP 7"  # the "new" paragraph is the deleted OP 7 rewritten
    data[f"from-{op7.pk}"] = "op8"  # as people type it
    response = facilitator.post(url("alignment_save", "Rev.1"), data)
    assert response.status_code == 302
    link = rev1.links.get(target=new28)
    assert link.source.label == "7" and link.kind == "moved" and link.confirmed
    assert not rev1.links.filter(kind__in=["deleted", "new"]).exists()


@pytest.mark.django_db
def test_an_unknown_label_changes_nothing_and_keeps_the_input(facilitator, rev1):
    data = alignment_form(rev1)
    new28 = rev1.paragraphs.get(label="28")
    data[f"from-{new28.pk}"] = "OP 7, OP 999"
    before = list(rev1.links.values_list("pk", "kind", "confirmed"))
    response = facilitator.post(url("alignment_save", "Rev.1"), data)
    assert response.status_code == 400
    assert "Zero draft has no paragraph “OP 999”" in response.content.decode()
    assert 'value="OP 7, OP 999"' in response.content.decode()
    assert list(rev1.links.values_list("pk", "kind", "confirmed")) == before


# Publication


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_facilitators_publish(request, rev1, persona):
    rev1.links.update(confirmed=True)
    client = request.getfixturevalue(persona)
    response = client.post(url("publish", "Rev.1"), {"closes_at": "2099-01-01T12:00"})
    assert refused(response, persona, 404)
    rev1.refresh_from_db()
    assert rev1.is_preparing


@pytest.mark.django_db
def test_publish_refuses_get(facilitator, rev1):
    assert facilitator.get(url("publish", "Rev.1")).status_code == 405


@pytest.mark.django_db
def test_an_unconfirmed_alignment_is_not_published(facilitator, rev1):
    response = facilitator.post(
        url("publish", "Rev.1"), {"closes_at": "2099-01-01T12:00"}, follow=True
    )
    assert "Confirm the alignment before publishing" in response.content.decode()
    rev1.refresh_from_db()
    assert rev1.is_preparing


@pytest.mark.django_db
@pytest.mark.parametrize("closes_at", ["", "tomorrow", "2001-01-01T12:00"])
def test_a_bad_closing_time_is_refused(facilitator, rev1, closes_at):
    rev1.links.update(confirmed=True)
    response = facilitator.post(url("publish", "Rev.1"), {"closes_at": closes_at}, follow=True)
    assert response.status_code == 200
    assert b"close" in response.content
    rev1.refresh_from_db()
    assert rev1.is_preparing


@pytest.mark.django_db
def test_publishing_opens_a_round_and_supersedes_the_previous_version(facilitator, rev1, version):
    rev1.links.update(confirmed=True)
    response = facilitator.post(url("publish", "Rev.1"), {"closes_at": "2099-01-01T12:00"})
    assert response.status_code == 302 and response["Location"] == url("outcomes", "Rev.1")
    rev1.refresh_from_db()
    version.refresh_from_db()
    assert rev1.status == Version.Status.OPEN
    assert version.status == Version.Status.SUPERSEDED
    assert not version.round.is_open_for(None)
    assert rev1.round.is_open_for(None)
    assert rev1.round.closes_at.isoformat() == "2099-01-01T17:00:00+00:00"  # New York time
    assert rev1.consultation.current_version() == rev1
    # Lineage follows the alignment: the reader's "same paragraph" across versions.
    lineage = {p.label: p.lineage for p in version.paragraphs.all()}
    assert rev1.paragraphs.get(label="24").lineage == lineage["26"]
    assert rev1.paragraphs.get(label="142").lineage == lineage["19"]
    assert rev1.paragraphs.get(label="21").lineage in (lineage["22"], lineage["23"])
    assert AuditEvent.objects.filter(action="version.published").count() == 1
    assert CommentRound.objects.count() == 2
    # The earlier version stays browsable.
    assert (
        facilitator.get(reverse("drafts:version", args=["wsis20", "Zero draft"])).status_code == 200
    )


@pytest.mark.django_db
def test_a_round_of_the_previous_version_that_had_not_opened_goes_on_the_record(
    facilitator, rev1, version
):
    version.round.opens_at = timezone.now() + timedelta(days=1)
    version.round.closes_at = timezone.now() + timedelta(days=8)
    version.round.save()
    rev1.links.update(confirmed=True)
    facilitator.post(url("publish", "Rev.1"), {"closes_at": "2099-01-01T12:00"})
    assert not CommentRound.objects.filter(version=version).exists()
    event = AuditEvent.objects.get(action="version.published")
    assert event.data["deleted_round_of_previous"] == [
        version.round.opens_at.isoformat(),
        version.round.closes_at.isoformat(),
    ]


# Outcomes


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_only_facilitators_see_and_confirm_outcomes(request, published_rev1, zero_entries, persona):
    client = request.getfixturevalue(persona)
    assert refused(client.get(url("outcomes", "Rev.1")), persona)
    entry = zero_entries["upu26"]
    response = client.post(
        url("outcomes_confirm", "Rev.1"), {f"decision-{entry.pk}": "incorporated"}
    )
    assert refused(response, persona)
    entry.refresh_from_db()
    assert entry.decision == Entry.Decision.OPEN


@pytest.mark.django_db
def test_confirming_outcomes_refuses_get(facilitator, published_rev1):
    assert facilitator.get(url("outcomes_confirm", "Rev.1")).status_code == 405


@pytest.mark.django_db
def test_outcomes_are_suggested_from_the_new_text(facilitator, published_rev1, zero_entries):
    response = facilitator.get(url("outcomes", "Rev.1"))
    assert response.status_code == 200
    suggested = {
        r["suggestion"].entry.pk: r["suggestion"].outcome for r in response.context["rows"]
    }
    e = zero_entries
    assert suggested[e["upu26"].pk] == Entry.Decision.INCORPORATED
    assert suggested[e["upu44"].pk] == Entry.Decision.PARTIAL
    assert suggested[e["upu76"].pk] == Entry.Decision.NOT_INCORPORATED
    assert suggested[e["ken7_deletion"].pk] == Entry.Decision.INCORPORATED
    assert e["ken12"].pk not in suggested  # a comment has no outcome


@pytest.mark.django_db
def test_the_page_shows_the_evidence_apart_from_the_rationale(
    facilitator, published_rev1, zero_entries
):
    response = facilitator.get(url("outcomes", "Rev.1"))
    rows = {row["suggestion"].entry.pk: row for row in response.context["rows"]}
    upu26 = rows[zero_entries["upu26"].pk]
    assert upu26["decision"] == Entry.Decision.INCORPORATED
    # The rationale field, which the organisation reads, is left for a person to write.
    assert upu26["rationale"] == ""
    evidence = upu26["suggestion"].evidence
    assert evidence.endswith("words the proposal changes are in Rev.1.")
    assert rows[zero_entries["ken7_deletion"].pk]["suggestion"].evidence == (
        "Rev.1 deletes the paragraph."
    )
    page = response.content.decode()
    assert f"Evidence (for you, not sent): {evidence}" in page
    assert f'value="{evidence}"' not in page


@pytest.mark.django_db
def test_evidence_is_never_sent_or_shown_as_the_rationale(
    facilitator,
    published_rev1,
    zero_entries,
    focal_a,
    org_a,
    mailoutbox,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    ken7 = zero_entries["ken7_deletion"]
    with django_capture_on_commit_callbacks(execute=True):
        response = facilitator.post(
            url("outcomes_confirm", "Rev.1"),
            {f"decision-{ken7.pk}": "incorporated", f"rationale-{ken7.pk}": ""},
        )
    assert response.status_code == 302
    ken7.refresh_from_db()
    assert ken7.decision == "incorporated" and ken7.decision_rationale == ""
    # The facilitators keep the evidence in the audit log.
    event = AuditEvent.objects.get(action="entry.decided")
    assert (
        event.data["evidence"] == "Rev.1 deletes the paragraph." and event.data["rationale"] == ""
    )
    (message,) = mailoutbox
    assert "decided: incorporated" in message.body
    pages = [
        message.body,
        focal_a.get(reverse("comments:our_entries", args=["wsis20"])).content.decode(),
        focal_a.get(reverse("comments:ledger", args=["wsis20", org_a.acronym])).content.decode(),
        focal_a.get(reverse("notifications:list")).content.decode(),
    ]
    assert all("deletes the paragraph" not in page for page in pages)


@pytest.mark.django_db
def test_the_facilitator_confirms_outcomes(
    facilitator,
    published_rev1,
    zero_entries,
    focal_a,
    mailoutbox,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    # The mail task runs in this process (Celery's eager mode) so its mail can be read here.
    monkeypatch.setitem(app.conf, "task_always_eager", True)
    upu26, ken7 = zero_entries["upu26"], zero_entries["ken7_deletion"]
    with django_capture_on_commit_callbacks(execute=True):
        response = facilitator.post(
            url("outcomes_confirm", "Rev.1"),
            {
                f"decision-{upu26.pk}": "incorporated",
                f"rationale-{upu26.pk}": "Taken in as proposed.",
                f"decision-{ken7.pk}": "incorporated",
                f"rationale-{ken7.pk}": "  Deleted in Rev.1.  ",
            },
        )
    assert response.status_code == 302
    upu26.refresh_from_db()
    ken7.refresh_from_db()
    assert upu26.decision == "incorporated" and upu26.decision_rationale == "Taken in as proposed."
    assert ken7.decision == "incorporated" and ken7.decision_rationale == "Deleted in Rev.1."
    assert AuditEvent.objects.filter(action="entry.decided").count() == 2
    # As a decision on the dashboard does: Kenya's focal point is told (the UPU has none here).
    (message,) = mailoutbox
    assert message.to == [focal_a.user.email]
    assert "Deleted in Rev.1." in message.body


@pytest.mark.django_db
def test_confirming_the_same_outcomes_again_records_nothing_new(
    facilitator, published_rev1, zero_entries
):
    upu26 = zero_entries["upu26"]
    data = {f"decision-{upu26.pk}": "incorporated", f"rationale-{upu26.pk}": "Taken in."}
    facilitator.post(url("outcomes_confirm", "Rev.1"), data)
    response = facilitator.post(url("outcomes_confirm", "Rev.1"), data, follow=True)
    assert "0 decisions recorded." in response.content.decode()
    assert AuditEvent.objects.filter(action="entry.decided").count() == 1


@pytest.mark.django_db
def test_an_unknown_outcome_changes_nothing(facilitator, published_rev1, zero_entries):
    upu26 = zero_entries["upu26"]
    response = facilitator.post(url("outcomes_confirm", "Rev.1"), {f"decision-{upu26.pk}": "maybe"})
    assert response.status_code == 400
    assert "Choose one of the listed outcomes." in response.content.decode()
    upu26.refresh_from_db()
    assert upu26.decision == Entry.Decision.OPEN


@pytest.mark.django_db
@pytest.mark.parametrize("rationale", ["x" * 4001, "Out\x1b[2J of scope"])
def test_a_bad_rationale_saves_no_row_and_keeps_what_was_typed(
    facilitator, published_rev1, zero_entries, rationale
):
    upu26, upu76 = zero_entries["upu26"], zero_entries["upu76"]
    response = facilitator.post(
        url("outcomes_confirm", "Rev.1"),
        {
            f"decision-{upu26.pk}": "incorporated",
            f"rationale-{upu26.pk}": "Typed with care <b>here</b>",
            f"decision-{upu76.pk}": "not_incorporated",
            f"rationale-{upu76.pk}": rationale,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was recorded" in page
    assert "Typed with care &lt;b&gt;here&lt;/b&gt;" in page
    rows = {row["suggestion"].entry.pk: row for row in response.context["rows"]}
    assert rows[upu76.pk]["error"] and not rows[upu26.pk]["error"]
    assert rows[upu76.pk]["decision"] == "not_incorporated"
    upu26.refresh_from_db()
    assert upu26.decision == Entry.Decision.OPEN
    assert not AuditEvent.objects.filter(action="entry.decided").exists()


@pytest.mark.django_db
def test_undecided_needs_no_rationale(facilitator, published_rev1, zero_entries):
    upu26 = zero_entries["upu26"]
    response = facilitator.post(url("outcomes_confirm", "Rev.1"), {f"decision-{upu26.pk}": "open"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_one_unknown_outcome_keeps_the_valid_ones_unsaved_too(
    facilitator, published_rev1, zero_entries
):
    upu26, upu76 = zero_entries["upu26"], zero_entries["upu76"]
    response = facilitator.post(
        url("outcomes_confirm", "Rev.1"),
        {
            f"decision-{upu26.pk}": "incorporated",
            f"rationale-{upu26.pk}": "Taken in.",
            f"decision-{upu76.pk}": "maybe",
        },
    )
    assert response.status_code == 400
    upu26.refresh_from_db()
    assert upu26.decision == Entry.Decision.OPEN
    assert not AuditEvent.objects.filter(action="entry.decided").exists()


# Entries carried into the new version


@pytest.mark.django_db
def test_entries_of_the_earlier_version_offer_no_actions_in_the_new_one(
    focal_a, published_rev1, zero_entries
):
    """Their round closed when Rev.1 was published: a button would only be refused."""
    ours = published_rev1.paragraphs.get(label="39")  # zero draft OP 40, renumbered
    html = focal_a.get(reverse("comments:panel", args=[ours.pk])).content.decode()
    assert "made on Zero draft OP 40" in html and "Withdraw</button>" not in html
    theirs = published_rev1.paragraphs.get(label="24")  # the UPU's OP 26 wording, taken in
    html = focal_a.get(reverse("comments:panel", args=[theirs.pk])).content.decode()
    assert "made on Zero draft OP 26" in html and "Support</button>" not in html


# Entries on deleted paragraphs


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [*PERSONAS, "facilitator"])
def test_entries_on_deleted_paragraphs_are_listed_on_the_new_version(
    request, published_rev1, zero_entries, persona
):
    client = request.getfixturevalue(persona)
    response = client.get(url("orphaned", "Rev.1"))
    assert response.status_code == 200
    listed = {item.entry.pk for item in response.context["items"]}
    # Zero draft OP 7 is deleted in Rev.1; its two published entries are listed, nothing else.
    assert listed == {zero_entries["ken7"].pk, zero_entries["ken7_deletion"].pk}
    page = response.content.decode()
    assert "Zero draft OP 7 (deleted)" in page
    assert published_rev1.previous().paragraphs.get(label="7").text[:60] in page


@pytest.mark.django_db
def test_our_draft_on_a_deleted_paragraph_is_listed_to_us_only(
    published_rev1, version, zero_entries, delegate_a, delegate_b, org_a
):
    draft = make_entry(
        version, org_a, delegate_a.user, "7", kind=Entry.Kind.COMMENT, text="Our unsent thought"
    )
    ours = delegate_a.get(url("orphaned", "Rev.1"))
    theirs = delegate_b.get(url("orphaned", "Rev.1"))
    assert draft.pk in {item.entry.pk for item in ours.context["items"]}
    assert draft.pk not in {item.entry.pk for item in theirs.context["items"]}
    assert b"Our unsent thought" not in theirs.content


@pytest.mark.django_db
def test_the_reader_of_a_later_version_links_to_its_orphaned_entries(client, published_rev1):
    orphaned = url("orphaned", "Rev.1")
    assert orphaned in client.get(url("version", "Rev.1")).content.decode()
    assert "orphaned" not in client.get(url("version", "Zero draft")).content.decode()


@pytest.mark.django_db
def test_a_version_without_deletions_lists_nothing(client, version):
    response = client.get(url("orphaned", "Zero draft"))
    assert response.status_code == 200 and response.context["items"] == []
    assert "No entry was made on a paragraph" in response.content.decode()


# Comparison (public)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [*PERSONAS, "facilitator"])
@pytest.mark.parametrize("name", ["compare", "compare_print"])
def test_everyone_compares_published_versions(request, published_rev1, persona, name):
    client = request.getfixturevalue(persona)
    response = client.get(url(name), {"old": "Zero draft", "new": "Rev.1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Zero draft and Rev.1 compared" in body
    assert "<ins>ensuring that digital services remain accessible" in body


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_a_version_in_preparation_is_not_compared_in_public(request, rev1, persona):
    client = request.getfixturevalue(persona)
    response = client.get(url("compare"), {"old": "Zero draft", "new": "Rev.1"})
    assert response.status_code == 404
    assert client.get(url("compare")).context["single"] is True


@pytest.mark.django_db
def test_the_facilitator_compares_a_version_in_preparation(facilitator, rev1):
    response = facilitator.get(url("compare"))
    assert response.status_code == 200
    assert response.context["new"] == rev1


@pytest.mark.django_db
def test_the_comparison_counts_changes_per_section(facilitator, published_rev1):
    context = facilitator.get(url("compare")).context
    sections = {s["heading"]: dict(s["counts"]) for s in context["sections"]}
    assert sections["Introduction"] == {"unchanged": 10, "renumbered": 4, "split": 2, "deleted": 1}
    assert sections["Bridging digital divides"]["merged"] == 1
    assert sections["Bridging digital divides"]["new"] == 1
    assert sections["Follow-up and review"]["moved"] == 1
    totals = dict((k, n) for k, _, n in context["totals"])
    assert totals["deleted"] == 1 and totals["edited"] == 3


@pytest.mark.django_db
def test_an_unknown_version_is_not_found(anonymous, published_rev1):
    assert anonymous.get(url("compare"), {"old": "Rev.9"}).status_code == 404


@pytest.mark.django_db
def test_compare_refuses_post(facilitator, published_rev1):
    assert facilitator.post(url("compare")).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [*PERSONAS, "facilitator"])
def test_a_version_in_preparation_is_not_public(request, rev1, persona):
    """Its facilitators may read it before they publish it; to anyone else it does not exist."""
    client = request.getfixturevalue(persona)
    response = client.get(reverse("drafts:version", args=["wsis20", "Rev.1"]))
    assert response.status_code == (200 if persona == "facilitator" else 404)
    assert client.get(reverse("drafts:reader", args=["wsis20"])).context["version"].label == (
        "Zero draft"
    )


@pytest.mark.django_db
def test_the_first_version_is_published_at_once(facilitator, consultation):
    response = facilitator.post(url("import"), {"label": "Zero draft", "file": rev1_file()})
    assert response.status_code == 302
    first = Version.objects.get()
    assert first.status == Version.Status.OPEN and not first.links.exists()
    assert response["Location"] == first.get_absolute_url()


@pytest.mark.django_db
def test_the_reader_opens_the_latest_version_and_lists_every_published_one(
    anonymous, published_rev1
):
    latest = anonymous.get(reverse("drafts:reader", args=["wsis20"])).context
    assert latest["version"].label == "Rev.1"
    assert [v.label for v in latest["versions"]] == ["Zero draft", "Rev.1"]
    earlier = anonymous.get(reverse("drafts:version", args=["wsis20", "Zero draft"])).context
    assert earlier["version"].label == "Zero draft"
    assert anonymous.get(reverse("drafts:version", args=["wsis20", "Rev.9"])).status_code == 404
