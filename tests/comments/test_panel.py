from django.urls import reverse

from tests.comments.conftest import make_entry, paragraph
from wsis.comments.models import Entry


def panel(client, version, label="26", **headers):
    return client.get(reverse("comments:panel", args=[paragraph(version, label).pk]), **headers)


def test_it_shows_published_entries_with_their_change_to_anyone(anonymous, version, published_b):
    html = panel(anonymous, version, "76").content.decode()
    assert "Universal Postal Union (UN system" in html
    assert "remoter areas. <ins>We call on all stakeholders to act" in html
    assert "Sign in to comment" in html
    assert "Propose an amendment" not in html


def test_a_member_gets_the_four_forms_with_the_wording_prefilled(delegate_a, version):
    html = panel(delegate_a, version).content.decode()
    for summary in ("Propose an amendment", "Comment", "OP26 bis", "Propose to delete"):
        assert summary in html
    text = paragraph(version, "26").text
    assert f">{text}</textarea>" in html
    assert 'hx-trigger="input changed delay:300ms"' in html
    assert html.count('name="form_token"') == 4


def test_htmx_gets_only_the_panel(delegate_a, version, draft_a):
    response = panel(delegate_a, version, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'class="panel-inner"' in html
    assert "Kenya (" in html and "draft" in html


def test_a_delegate_of_another_organisation_does_not_see_our_draft(delegate_b, version, draft_a):
    html = panel(delegate_b, version).content.decode()
    assert "Kenya (" not in html and "0 entries on OP 26" in html


def test_a_facilitator_sees_submissions_and_no_forms(facilitator, version, submitted_a):
    html = panel(facilitator, version, "44").content.decode()
    assert "Kenya (" in html and "pending review" in html
    assert "Propose an amendment" not in html


def test_a_focal_point_gets_submit_and_support_buttons(focal_a, version, draft_a, published_b):
    assert "Submit</button>" in panel(focal_a, version).content.decode()
    assert "Support</button>" in panel(focal_a, version, "76").content.decode()


def test_supporters_show_with_the_proposal(anonymous, version, published_b, org_a, focal_a):
    published_b.supports.create(organisation=org_a, user=focal_a.user)
    assert "Supported by Kenya" in panel(anonymous, version, "76").content.decode()


def test_html_typed_by_a_delegate_is_shown_as_typed(anonymous, version, org_b, delegate_b):
    make_entry(
        version, org_b, delegate_b.user, kind=Entry.Kind.COMMENT, text="<script>x()</script>",
        status=Entry.Status.SUBMITTED, moderation=Entry.Moderation.PUBLISHED,
    )  # fmt: skip
    html = panel(anonymous, version).content.decode()
    assert "&lt;script&gt;x()&lt;/script&gt;" in html and "<script>x()" not in html


def test_it_pages_long_panels_with_the_same_queries(anonymous, version, org_b, delegate_b):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def entries(n):
        Entry.objects.bulk_create(
            Entry(
                version=version, paragraph=paragraph(version, "26"), organisation=org_b,
                author=delegate_b.user, kind="comment", text=f"Comment {i}",
                status="submitted", moderation="published",
            )
            for i in range(n)
        )  # fmt: skip

    entries(3)
    with CaptureQueriesContext(connection) as few:
        panel(anonymous, version)
    entries(120)
    with CaptureQueriesContext(connection) as many:
        html = panel(anonymous, version).content.decode()
    assert len(few) == len(many)
    assert "123 entries on OP 26" in html and "Page 1 of 7" in html
