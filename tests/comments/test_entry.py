from django.urls import reverse

from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry


def save(client, entry, **data):
    data.setdefault("kind", entry.kind)
    data.setdefault("proposed_text", entry.proposed_text)
    data.setdefault("text", entry.text)
    return client.post(reverse("comments:save", args=[entry.pk]), data)


def test_it_shows_the_draft_with_an_edit_form(delegate_a, draft_a):
    html = delegate_a.get(reverse("comments:entry", args=[draft_a.pk])).content.decode()
    assert "Edit this draft" in html and 'name="revision" value="1"' in html
    assert "<ins>meaningful</ins>" in html
    assert "Submit for my organisation" not in html


def test_the_focal_point_gets_a_submit_button(focal_a, draft_a):
    html = focal_a.get(reverse("comments:entry", args=[draft_a.pk])).content.decode()
    assert "Submit for my organisation" in html


def test_a_submitted_entry_has_no_edit_form(delegate_a, submitted_a):
    html = delegate_a.get(reverse("comments:entry", args=[submitted_a.pk])).content.decode()
    assert "Edit this draft" not in html and "pending review" in html


def test_a_delegate_edits_a_colleagues_draft(focal_a, draft_a):
    response = save(focal_a, draft_a, text="Better reasons.", revision="1")
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.text == "Better reasons." and draft_a.revision == 2


def test_a_stale_save_shows_both_texts_and_loses_nothing(delegate_a, focal_a, draft_a):
    save(delegate_a, draft_a, text="Alice's reasons.", revision="1")
    response = save(focal_a, draft_a, text="Fatima's reasons.", revision="1")
    html = response.content.decode()
    assert response.status_code == 409
    assert "Alice&#x27;s reasons." in html and ">Fatima&#x27;s reasons.</textarea>" in html
    assert 'name="revision" value="2"' in html
    draft_a.refresh_from_db()
    assert draft_a.text == "Alice's reasons."
    # Saving again from the conflict page knowingly keeps Fatima's text.
    save(focal_a, draft_a, text="Fatima's reasons.", revision="2")
    draft_a.refresh_from_db()
    assert draft_a.text == "Fatima's reasons." and draft_a.revision == 3


def test_bad_input_changes_nothing(delegate_a, draft_a):
    response = save(delegate_a, draft_a, proposed_text=draft_a.paragraph.text, revision="1")
    assert response.status_code == 400 and b"identical to the paragraph" in response.content
    draft_a.refresh_from_db()
    assert (
        draft_a.revision == 1
        and not AuditEvent.objects.filter(action__startswith="entry.").exists()
    )


def test_a_submitted_entry_cannot_be_saved(delegate_a, submitted_a):
    assert save(delegate_a, submitted_a, text="Changed", revision="1").status_code == 403
    assert Entry.objects.get(pk=submitted_a.pk).text == ""


def test_after_the_deadline_the_edit_is_kept_as_a_draft(delegate_a, draft_a, closed_round):
    response = save(delegate_a, draft_a, text="Late words.", revision="1")
    assert response.status_code == 302
    draft_a.refresh_from_db()
    assert draft_a.text == "Late words." and draft_a.status == "draft"
    assert AuditEvent.objects.filter(action="entry.refused_late").exists()
