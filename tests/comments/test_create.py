import uuid

from django.urls import reverse

from tests.comments.conftest import paragraph
from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry


def create(client, version, label="26", **data):
    url = reverse("comments:create", args=[paragraph(version, label).pk])
    headers = {"HTTP_HX_REQUEST": "true"} if data.pop("htmx", False) else {}
    return client.post(url, data, **headers)


def test_a_delegate_saves_an_amendment_as_a_draft(delegate_a, version):
    text = paragraph(version, "26").text.replace("connectivity.", "connectivity for all.")
    response = create(delegate_a, version, kind="amendment", proposed_text=text, text="Why.")
    entry = Entry.objects.get()
    assert response.status_code == 302
    assert response.url.endswith(f"#entry-{entry.pk}")
    assert entry.status == "draft" and entry.proposed_text == text and entry.text == "Why."
    assert AuditEvent.objects.filter(action="entry.created").count() == 1


def test_htmx_gets_the_panel_back_with_the_new_draft(delegate_a, version):
    response = create(delegate_a, version, kind="comment", text="Agreed.", htmx=True)
    html = response.content.decode()
    assert response.status_code == 200 and "Saved as a draft" in html and "Agreed." in html


def test_a_new_paragraph_is_labelled_bis(focal_a, version):
    create(focal_a, version, "31", kind="new_paragraph", proposed_text="We also note.")
    entry = Entry.objects.get()
    assert entry.kind == "new_paragraph" and entry.target_label == "OP31 bis"


def test_a_deletion_needs_no_text(delegate_a, version):
    assert create(delegate_a, version, "29", kind="deletion").status_code == 302
    assert Entry.objects.get().kind == "deletion"


def test_a_double_click_creates_one_entry(delegate_a, version):
    token = str(uuid.uuid4())
    for _ in range(2):
        create(delegate_a, version, kind="comment", text="Once.", form_token=token)
    assert Entry.objects.count() == 1


def test_bad_input_changes_nothing_and_keeps_the_text(delegate_a, version):
    same = paragraph(version, "26").text
    cases = [
        ({"kind": "comment", "text": ""}, "Please write your comment."),
        ({"kind": "amendment", "proposed_text": same}, "identical to the paragraph"),
        ({"kind": "amendment", "proposed_text": "x" * 10_001}, "at most 10000 characters"),
        ({"kind": "comment", "text": "bell\x07here"}, "control characters"),
    ]
    for data, message in cases:
        response = create(delegate_a, version, **data)
        html = response.content.decode()
        assert response.status_code == 400 and message in html, message
        assert "Nothing was saved" in html
    response = create(delegate_a, version, kind="amendment", proposed_text=same, text="My reasons")
    assert ">My reasons</textarea>" in response.content.decode()
    assert (
        not Entry.objects.exists()
        and not AuditEvent.objects.filter(action__startswith="entry.").exists()
    )


def test_htmx_bad_input_swaps_the_panel_with_the_message(delegate_a, version):
    response = create(delegate_a, version, kind="comment", text="", htmx=True)
    assert response.status_code == 400  # swapped all the same (base.html's htmx-config)
    assert "Please write your comment." in response.content.decode()


def test_html_is_stored_as_typed(delegate_a, version):
    create(delegate_a, version, kind="comment", text="<b>bold</b> & <script>x</script>")
    assert Entry.objects.get().text == "<b>bold</b> & <script>x</script>"


def test_after_the_deadline_the_text_is_kept_as_a_draft(delegate_a, version, closed_round):
    response = create(delegate_a, version, kind="comment", text="Typed at 23:59.", htmx=True)
    html = response.content.decode()
    assert "The comment round is closed" in html and "nothing is lost" in html
    entry = Entry.objects.get()
    assert entry.status == "draft" and entry.text == "Typed at 23:59."
    assert AuditEvent.objects.filter(action="entry.refused_late", organisation__acronym="KEN")
