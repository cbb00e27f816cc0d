import pytest

from wsis.audit.models import AuditEvent
from wsis.room import services
from wsis.room.models import LogEntry, Reading


def test_readings_are_numbered_and_start_on_the_first_paragraph(version, reading, pen_request):
    assert reading.number == 1
    assert reading.paragraph == version.paragraphs.in_document_order().first()
    assert reading.name == "First reading"
    services.close_reading(reading, request=pen_request)
    second = services.open_reading(version, request=pen_request)
    assert (second.number, second.name) == (2, "Second reading")
    assert AuditEvent.objects.filter(action="reading.opened").count() == 2


def test_one_open_reading_per_version(version, reading, pen_request):
    with pytest.raises(ValueError, match="open already"):
        services.open_reading(version, request=pen_request)
    assert Reading.objects.count() == 1


def test_moving_the_pen(version, reading, pen_request):
    op26 = version.paragraphs.get(label="26")
    services.move_to(reading, op26, span=2, request=pen_request)
    reading.refresh_from_db()
    assert (reading.paragraph, reading.span, reading.revision) == (op26, 2, 1)
    event = AuditEvent.objects.get(action="reading.moved")
    assert event.data["after"] == "OP 26"


def test_moving_refuses_a_span_out_of_range_and_another_versions_paragraph(
    version, reading, pen_request
):
    op26 = version.paragraphs.get(label="26")
    with pytest.raises(ValueError, match="from 1 to 5"):
        services.move_to(reading, op26, span=9, request=pen_request)
    reading.refresh_from_db()
    assert reading.revision == 0


def test_the_working_wording_is_kept_per_reading_and_the_text_untouched(
    version, reading, pen_request
):
    op26 = version.paragraphs.get(label="26")
    original = op26.text
    entry = services.set_wording(
        reading, op26, original + " Agreed words.", previous=original, request=pen_request
    )
    assert (entry.before, entry.after) == (original, original + " Agreed words.")
    op26.refresh_from_db()
    assert op26.text == original
    assert reading.wordings.get(paragraph=op26).text == original + " Agreed words."
    # Unchanged: nothing logged.
    assert (
        services.set_wording(
            reading, op26, original + " Agreed words.", previous=original, request=pen_request
        )
        is None
    )
    assert LogEntry.objects.filter(kind="wording").count() == 1


def test_a_wording_changed_by_someone_else_meanwhile_is_not_overwritten(
    version, reading, pen_request
):
    op26 = version.paragraphs.get(label="26")
    services.set_wording(reading, op26, "First version.", previous=op26.text, request=pen_request)
    with pytest.raises(ValueError, match="Someone else changed"):
        services.set_wording(reading, op26, "Mine.", previous=op26.text, request=pen_request)
    assert reading.wordings.get(paragraph=op26).text == "First version."


def test_an_empty_wording_is_refused(version, reading, pen_request):
    op26 = version.paragraphs.get(label="26")
    with pytest.raises(ValueError, match="cannot be empty"):
        services.set_wording(reading, op26, "  ", previous=op26.text, request=pen_request)


def test_the_floor_goes_to_an_organisation_or_a_named_speaker(version, reading, pen_request, org_a):
    op26 = version.paragraphs.get(label="26")
    services.give_floor(reading, op26, organisation=org_a, request=pen_request)
    services.give_floor(reading, op26, speaker="  The  Chair ", request=pen_request)
    assert [e.who_spoke for e in reading.log.all()] == ["KEN", "The Chair"]
    with pytest.raises(ValueError, match="Choose the organisation"):
        services.give_floor(reading, op26, request=pen_request)


def test_a_closed_reading_changes_no_more(version, reading, pen_request):
    services.close_reading(reading, request=pen_request)
    op26 = version.paragraphs.get(label="26")
    with pytest.raises(ValueError, match="closed"):
        services.move_to(reading, op26, request=pen_request)
    with pytest.raises(ValueError, match="closed"):
        services.close_reading(reading, request=pen_request)


def test_a_status_set_in_the_room_is_logged_before_and_after(version, reading, pen_request, org_a):
    from wsis.negotiation.models import ParagraphStatus, StatusChange

    op26 = version.paragraphs.get(label="26")
    entry = services.set_paragraph_status(
        reading, op26, "pending", waiting_for=[org_a], note="KEN asked", request=pen_request
    )
    assert (entry.kind, entry.before, entry.after) == (LogEntry.Kind.STATUS, "open", "pending")
    row = ParagraphStatus.objects.get(paragraph=op26)
    assert row.status == "pending" and list(row.waiting_for.all()) == [org_a]
    change = StatusChange.objects.get()
    assert (change.waiting_for, change.note) == ([org_a.acronym], "KEN asked")
    assert AuditEvent.objects.filter(action="paragraph.status").count() == 1
    reading.refresh_from_db()
    assert reading.revision == 1
    entry = services.set_paragraph_status(reading, op26, "agreed_ad_ref", request=pen_request)
    assert (entry.before, entry.after) == ("pending", "agreed_ad_ref")
    # Already so: nothing logged, no new revision.
    assert (
        services.set_paragraph_status(reading, op26, "agreed_ad_ref", request=pen_request) is None
    )
    reading.refresh_from_db()
    assert reading.revision == 2


def test_a_status_the_service_refuses_changes_nothing(version, reading, pen_request):
    from wsis.negotiation.models import ParagraphStatus

    op26 = version.paragraphs.get(label="26")
    with pytest.raises(ValueError, match="Name the delegations"):
        services.set_paragraph_status(reading, op26, "pending", request=pen_request)
    services.close_reading(reading, request=pen_request)
    with pytest.raises(ValueError, match="closed"):
        services.set_paragraph_status(reading, op26, "agreed_ad_ref", request=pen_request)
    assert not ParagraphStatus.objects.exists() and not LogEntry.objects.exists()


def test_closing_a_reading_takes_a_convergence_snapshot_named_after_it(
    version, reading, pen_request
):
    from wsis.negotiation.models import ConvergenceSnapshot

    services.set_paragraph_status(
        reading, version.paragraphs.get(label="26"), "agreed_ad_ref", request=pen_request
    )
    services.close_reading(reading, request=pen_request)
    snapshot = ConvergenceSnapshot.objects.get()
    assert (snapshot.version, snapshot.label, snapshot.agreed) == (
        version,
        "After the first reading",
        1,
    )
    assert snapshot.actor == pen_request.user
    second = services.open_reading(version, request=pen_request)
    services.close_reading(second, request=pen_request)
    assert ConvergenceSnapshot.objects.latest("pk").label == "After the second reading"


def test_a_status_set_on_the_status_page_reaches_the_open_room(
    version, reading, pen_request, facilitator, monkeypatch, django_capture_on_commit_callbacks
):
    from wsis.negotiation.services import set_status
    from wsis.room.live import hub

    published = []
    monkeypatch.setattr(hub, "publish", lambda *screen: published.append(screen))
    with django_capture_on_commit_callbacks(execute=True):
        set_status(paragraphs=[reading.paragraph], status="agreed_ad_ref", actor=facilitator.user)
    reading.refresh_from_db()
    assert reading.revision == 1
    [(reading_id, revision, html)] = published
    assert (reading_id, revision) == (reading.pk, 1)
    assert "Agreed ad ref" in html
    # Nothing was done in the room: its log says nothing of it.
    assert not reading.log.exists()
