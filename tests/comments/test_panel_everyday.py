"""The panel after an action: the outcome beside the entry, the reader's counts renewed, each
entry's author and date, and a draft edited in place (#19)."""

import re
import uuid

from django.urls import reverse

from tests.comments.conftest import paragraph
from wsis.comments.models import Entry

READER = "http://testserver/c/wsis20/"


def htmx(current_url=READER):
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": current_url}


def comment(client, version, text="Name the groups.", **headers):
    target = paragraph(version, "26")
    data = {"kind": "comment", "text": text, "form_token": str(uuid.uuid4())}
    return client.post(reverse("comments:create", args=[target.pk]), data, **headers)


def entry_html(html: str, entry: Entry) -> str:
    return re.search(rf'<li [^>]*id="entry-{entry.pk}".*?</li>', html, re.S)[0]


def test_the_outcome_of_a_save_is_said_and_focused_beside_the_new_entry(delegate_a, version):
    html = comment(delegate_a, version, **htmx()).content.decode()
    saved = Entry.objects.get()
    beside = entry_html(html, saved)
    assert 'role="status"' in beside and "autofocus" in beside
    assert "Saved as a draft" in beside
    assert html.count("Saved as a draft") == 1


def test_a_save_from_the_reader_renews_the_paragraphs_counts_out_of_band(delegate_a, version):
    html = comment(delegate_a, version, **htmx()).content.decode()
    oob = re.search(
        r'<span hx-swap-oob="innerHTML:#OP26 .entries-bar">(.*?)</span>\s*$', html, re.S
    )
    assert oob, "the counts under the paragraph are swapped out of band"
    assert "1 entry" in oob[1] and "1 ours · 1 draft" in oob[1]
    assert 'class="panel-link"' in oob[1]


def test_on_the_panels_own_page_nothing_is_swapped_out_of_band(delegate_a, version):
    panel_url = reverse("comments:panel", args=[paragraph(version, "26").pk])
    html = comment(delegate_a, version, **htmx(f"http://testserver{panel_url}")).content.decode()
    assert "hx-swap-oob" not in html and "Saved as a draft" in html


def test_without_javascript_the_save_goes_back_to_the_panel_at_the_entry(delegate_a, version):
    response = comment(delegate_a, version)
    assert response.status_code == 302
    assert response.url.endswith(f"#entry-{Entry.objects.get().pk}")


def test_each_entry_shows_its_author_to_its_organisation_and_its_date_to_all(
    delegate_a, delegate_b, focal_a, version, draft_a
):
    delegate_a.user.first_name, delegate_a.user.last_name = "Alice", "Wanjiku"
    delegate_a.user.save()
    panel_url = reverse("comments:panel", args=[draft_a.paragraph_id])
    ours = entry_html(focal_a.get(panel_url).content.decode(), draft_a)
    assert "by Alice Wanjiku (KEN)" in ours
    assert re.search(r'last saved <time datetime="\d{4}-\d\d-\d\dT[^"]+">', ours)

    draft_a.status, draft_a.moderation = Entry.Status.SUBMITTED, Entry.Moderation.PUBLISHED
    draft_a.submitted_at = draft_a.updated
    draft_a.save()
    theirs = entry_html(delegate_b.get(panel_url).content.decode(), draft_a)
    assert "Alice" not in theirs  # the person is their organisation's business
    assert "submitted <time datetime=" in theirs


def test_edit_swaps_the_entry_for_its_form_in_place(delegate_a, version, draft_a):
    panel_html = delegate_a.get(reverse("comments:panel", args=[draft_a.paragraph_id]))
    link = re.search(r'<a [^>]*class="edit-in-place"', panel_html.content.decode())[0]
    assert f'hx-target="#entry-{draft_a.pk}"' in link and 'hx-swap="outerHTML"' in link

    response = delegate_a.get(reverse("comments:entry", args=[draft_a.pk]), **htmx())
    html = response.content.decode()
    assert response["HX-Retarget"] == f"#entry-{draft_a.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert re.search(rf'<li class="entry editing[^"]*" id="entry-{draft_a.pk}"', html)
    assert "<html" not in html and "Kenya&#x27;s reasons.</textarea>" in html
    assert f'id="edit-{draft_a.pk}-text"' in html and 'hx-target="#panel-OP26"' in html


def test_without_javascript_edit_is_the_entry_page(delegate_a, draft_a):
    html = delegate_a.get(reverse("comments:entry", args=[draft_a.pk])).content.decode()
    assert "<html" in html and 'id="id_text"' in html and 'id="preview-edit"' in html


def test_an_entry_that_cannot_be_edited_opens_its_page(delegate_b, published_b):
    response = delegate_b.get(reverse("comments:entry", args=[published_b.pk]), **htmx())
    assert response["HX-Redirect"] == reverse("comments:entry", args=[published_b.pk])


def save(client, entry, text, revision=None, **headers):
    data = {
        "kind": entry.kind,
        "proposed_text": entry.proposed_text,
        "text": text,
        "revision": entry.revision if revision is None else revision,
    }
    return client.post(reverse("comments:save", args=[entry.pk]), data, **headers)


def test_save_in_place_swaps_back_with_the_outcome_beside_the_entry(delegate_a, draft_a):
    response = save(delegate_a, draft_a, "Better reasons.", **htmx())
    assert response.status_code == 200 and "HX-Retarget" not in response
    html = response.content.decode()
    beside = entry_html(html, draft_a)
    assert "Better reasons." in beside and "Draft saved." in beside and "autofocus" in beside
    assert "<textarea" not in beside


def test_a_conflicting_save_in_place_keeps_what_was_typed(delegate_a, focal_a, draft_a):
    assert save(focal_a, draft_a, "The focal point's reasons.").status_code == 302
    response = save(delegate_a, draft_a, "What Alice typed.", revision=draft_a.revision, **htmx())
    assert response.status_code == 409
    assert response["HX-Retarget"] == f"#entry-{draft_a.pk}"
    html = response.content.decode()
    assert "What Alice typed.</textarea>" in html
    assert "The focal point&#x27;s reasons." in html  # what the other saved, beside it
    assert "Save my text over theirs" in html
    draft_a.refresh_from_db()
    assert draft_a.text == "The focal point's reasons."


def test_an_invalid_save_in_place_keeps_what_was_typed(delegate_a, draft_a):
    response = save(delegate_a, draft_a, "x" * 10_001, **htmx())
    assert response.status_code == 400
    assert response["HX-Retarget"] == f"#entry-{draft_a.pk}"
    assert "x" * 10_001 + "</textarea>" in response.content.decode()


def test_another_organisation_cannot_open_our_draft_in_place(delegate_b, draft_a):
    response = delegate_b.get(reverse("comments:entry", args=[draft_a.pk]), **htmx())
    assert response.status_code == 404
