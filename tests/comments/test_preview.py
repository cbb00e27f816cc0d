from django.urls import reverse

from tests.comments.conftest import paragraph


def preview(client, version, label="26", htmx=True, **data):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse("comments:preview", args=[paragraph(version, label).pk]), data, **headers
    )


def test_it_shows_the_insertion_at_the_end_of_op26(delegate_a, version):

    old = paragraph(version, "26").text
    new = old[:-1] + " ensuring that digital services remain accessible."
    html = preview(delegate_a, version, kind="amendment", proposed_text=new).content.decode()
    assert html.strip().endswith(
        "digital connectivity <ins>ensuring that digital services remain accessible</ins>."
    )
    assert "<html" not in html


def test_it_says_when_nothing_changed(delegate_a, version):
    text = paragraph(version, "26").text
    html = preview(delegate_a, version, kind="amendment", proposed_text=text).content.decode()
    assert "No change yet" in html


def test_a_new_paragraph_is_all_inserted(delegate_a, version):
    html = preview(delegate_a, version, "31", kind="new_paragraph", proposed_text="We note.")
    assert "<ins>We note.</ins>" in html.content.decode()


def test_typed_html_is_escaped(delegate_a, version):
    html = preview(delegate_a, version, kind="amendment", proposed_text="<img src=x>").content
    assert b"&lt;img src=x&gt;" in html and b"<img src=x>" not in html


def test_without_javascript_it_is_a_page_with_the_form(delegate_a, version):
    response = preview(delegate_a, version, htmx=False, kind="amendment", proposed_text="Short.")
    html = response.content.decode()
    assert "<html" in html and ">Short.</textarea>" in html and "Save as draft" in html


def test_it_shows_what_the_saved_entry_would_show_whatever_the_kind(delegate_a, version):
    # Switching an entry's kind on its page previews what saving it would show there.
    text = paragraph(version, "26").text
    html = preview(delegate_a, version, kind="deletion", proposed_text="Left over.")
    assert html.content.decode().strip() == f"<del>{text.rstrip()}</del>"
    html = preview(delegate_a, version, kind="comment", proposed_text="Left over.")
    assert html.content.decode().strip() == ""
