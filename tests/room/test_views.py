from django.urls import reverse

from tests.conftest import group, make_user, signed_in
from wsis.room import services
from wsis.room.models import LogEntry
from wsis.stakeholders.models import Membership, Organisation


def url(name, reading, *extra):
    version = reading.version
    return reverse(f"room:{name}", args=[version.consultation.slug, version.label, *extra])


def room_url(reading, name="room"):
    return url(name, reading, reading.number)


def test_a_participant_follows_the_room_live_without_the_pen(reading, delegate_a):
    page = delegate_a.get(room_url(reading)).content.decode()
    assert 'sse-connect="' + room_url(reading, "stream") in page
    assert 'sse-swap="screen"' in page
    assert reading.paragraph.display_label in page
    assert 'id="pen"' not in page
    # Without JavaScript the page reloads itself.
    assert '<noscript><meta http-equiv="refresh"' in page


def test_the_facilitator_holds_the_pen_and_their_page_never_reloads_itself(reading, facilitator):
    page = facilitator.get(room_url(reading)).content.decode()
    assert 'id="pen"' in page
    assert 'http-equiv="refresh"' not in page


def test_the_plain_page_refreshes_itself_instead_of_streaming(reading, delegate_a):
    page = delegate_a.get(room_url(reading) + "?view=plain").content.decode()
    assert '<meta http-equiv="refresh" content="10">' in page
    assert "sse-connect" not in page


def test_projection_shows_the_screen_alone_in_big_type(reading, facilitator):
    page = facilitator.get(room_url(reading) + "?view=projection").content.decode()
    assert "room-projection" in page
    assert 'id="pen"' not in page


def test_an_organisation_not_accredited_cannot_follow(reading):
    outsider = Organisation.objects.create(name="Chile", acronym="CHL", group=group("member_state"))
    user = make_user("carla")
    Membership.objects.create(user=user, organisation=outsider, role=Membership.Role.DELEGATE)
    client = signed_in(user)
    assert client.get(room_url(reading)).status_code == 403
    assert client.get(room_url(reading, "stream")).status_code == 403


def test_the_screen_shows_the_proposals_in_brackets_and_the_working_wording(
    version, reading, delegate_a, published, org_b, pen_request
):
    op26 = version.paragraphs.get(label="26")
    published(org_b)
    services.move_to(reading, op26, request=pen_request)
    services.set_wording(
        reading, op26, op26.text + " Agreed.", previous=op26.text, request=pen_request
    )
    page = delegate_a.get(room_url(reading)).content.decode()
    assert "[<ins>meaningful</ins> – UPU]" in page
    assert "<ins>Agreed.</ins>" in page


def test_next_moves_the_pen_and_answers_htmx_with_the_pen(version, reading, facilitator):
    second = version.paragraphs.in_document_order()[1]
    response = facilitator.post(
        room_url(reading, "move"),
        {"paragraph": second.pk, "span": 1},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="pen"' in response.content.decode()
    assert f"Working wording of {second.display_label}" in response.content.decode()
    reading.refresh_from_db()
    assert reading.paragraph == second


def test_a_plain_form_moves_and_comes_back_to_the_room(version, reading, facilitator):
    second = version.paragraphs.in_document_order()[1]
    response = facilitator.post(room_url(reading, "move"), {"paragraph": second.pk, "span": 3})
    assert response.status_code == 302
    assert response["Location"] == room_url(reading)


def test_an_empty_wording_is_refused_with_a_message(version, reading, facilitator):
    response = facilitator.post(
        room_url(reading, "wording"),
        {"paragraph": reading.paragraph.pk, "text": "", "previous": reading.paragraph.text},
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not reading.wordings.exists()


def test_a_crossed_wording_keeps_what_the_facilitator_typed(
    version, reading, facilitator, pen_request
):
    paragraph = reading.paragraph
    services.set_wording(
        reading, paragraph, "Theirs.", previous=paragraph.text, request=pen_request
    )
    response = facilitator.post(
        room_url(reading, "wording"),
        {"paragraph": paragraph.pk, "text": "Mine, typed at length.", "previous": paragraph.text},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else changed this wording" in page
    assert "Mine, typed at length." in page
    assert reading.wordings.get().text == "Theirs."


def test_the_floor_needs_an_organisation_or_a_name(reading, facilitator, org_a):
    response = facilitator.post(room_url(reading, "floor"), {"paragraph": reading.paragraph.pk})
    assert response.status_code == 400
    assert "Choose the organisation that took the floor" in response.content.decode()
    response = facilitator.post(
        room_url(reading, "floor"), {"paragraph": reading.paragraph.pk, "organisation": org_a.pk}
    )
    assert response.status_code == 302
    assert LogEntry.objects.get().organisation == org_a


def test_the_log_shows_each_paragraph_and_stays_after_closing(
    version, reading, facilitator, delegate_a, org_a, pen_request
):
    paragraph = reading.paragraph
    services.give_floor(reading, paragraph, organisation=org_a, request=pen_request)
    services.set_wording(
        reading, paragraph, paragraph.text + " Added.", previous=paragraph.text, request=pen_request
    )
    response = facilitator.post(room_url(reading, "close"))
    assert response["Location"] == room_url(reading, "log")
    page = delegate_a.get(room_url(reading, "log")).content.decode()
    assert "KEN took the floor." in page
    assert "<ins>Added.</ins>" in page
    assert "Closed on" in page
    # The closed room says so, and no longer streams.
    room_page = delegate_a.get(room_url(reading)).content.decode()
    assert "This reading is closed." in room_page
    assert "sse-connect" not in room_page


def test_opening_a_reading_from_the_list(version, facilitator, delegate_a):
    listing = url("readings", _Reading(version))
    assert "Open the next reading" not in delegate_a.get(listing).content.decode()
    response = facilitator.post(url("open", _Reading(version)))
    reading = version.readings.get()
    assert response["Location"] == room_url(reading)
    again = facilitator.post(url("open", _Reading(version)), follow=True)
    assert "A reading of this version is open already" in again.content.decode()


class _Reading:
    """Only what ``url`` reads of a reading: its version."""

    def __init__(self, version):
        self.version = version


def test_the_pen_sets_the_status_and_the_screen_shows_it(version, reading, facilitator, org_a):
    from wsis.negotiation.models import ParagraphStatus

    paragraph = reading.paragraph
    response = facilitator.post(
        room_url(reading, "status"),
        {"paragraph": paragraph.pk, "status": "pending", "waiting_for": "ken"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    pen = response.content.decode()
    assert pen.lstrip().startswith('<div id="pen"')
    # The form shows the status now set, and whom it waits for.
    assert '<option value="pending" selected>' in pen
    assert 'value="KEN"' in pen
    row = ParagraphStatus.objects.get(paragraph=paragraph)
    assert row.status == "pending" and list(row.waiting_for.all()) == [org_a]
    screen = facilitator.get(room_url(reading)).content.decode()
    assert '<span class="status-badge stage-not_agreed">Pending\n  (KEN)</span>' in screen
    entry = LogEntry.objects.get()
    assert (entry.kind, entry.before, entry.after) == ("status", "open", "pending")
    log = facilitator.get(room_url(reading, "log")).content.decode()
    assert "Status: open → pending" in log


def test_a_pending_status_needs_its_delegations_and_keeps_what_was_typed(
    reading, facilitator, org_a
):
    from wsis.negotiation.models import ParagraphStatus

    response = facilitator.post(
        room_url(reading, "status"),
        {"paragraph": reading.paragraph.pk, "status": "pending", "note": "Waiting on capitals"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Name the delegations a pending paragraph waits for." in page
    assert 'value="Waiting on capitals"' in page
    response = facilitator.post(
        room_url(reading, "status"),
        {"paragraph": reading.paragraph.pk, "status": "pending", "waiting_for": "XYZ"},
    )
    assert response.status_code == 400
    assert "No accredited delegation has the acronym XYZ." in response.content.decode()
    assert not ParagraphStatus.objects.exists() and not LogEntry.objects.exists()


def test_a_plain_status_form_comes_back_to_the_room(reading, facilitator):
    response = facilitator.post(
        room_url(reading, "status"), {"paragraph": reading.paragraph.pk, "status": "agreed_ad_ref"}
    )
    assert response["Location"] == room_url(reading)
    assert "Agreed ad ref" in facilitator.get(room_url(reading)).content.decode()


def test_closing_from_the_room_shows_the_snapshot_on_the_overview(reading, facilitator):
    facilitator.post(room_url(reading, "close"))
    overview = reverse("moderation:overview", args=[reading.version.consultation.slug])
    assert "After the first reading" in facilitator.get(overview).content.decode()
