"""Submit, withdraw and support, from the panel (htmx) and from plain forms."""

from django.urls import reverse

from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry, Support


def post(client, name, entry, htmx=False, **data):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse(f"comments:{name}", args=[entry.pk]), data, **headers)


def test_the_focal_point_submits_a_draft(focal_a, draft_a):
    response = post(focal_a, "submit", draft_a)
    assert response.status_code == 302 and response.url == f"/entries/{draft_a.pk}/"
    draft_a.refresh_from_db()
    assert draft_a.status == "submitted" and draft_a.moderation == "pending"
    assert AuditEvent.objects.filter(action__startswith="entry.").get().action == "entry.submitted"


def test_submit_from_the_panel_returns_the_panel(focal_a, draft_a):
    html = post(focal_a, "submit", draft_a, htmx=True).content.decode()
    assert "Submitted: OP 26." in html and 'class="panel-inner"' in html


def test_submit_goes_back_to_a_safe_next_only(focal_a, draft_a, submitted_a):
    assert post(focal_a, "submit", draft_a, next="/entries/p/1/").url == "/entries/p/1/"
    assert post(focal_a, "withdraw", submitted_a, next="https://evil.example/").url == (
        f"/entries/{submitted_a.pk}/"
    )


def test_a_delegate_cannot_submit(delegate_a, draft_a):
    assert post(delegate_a, "submit", draft_a).status_code == 403
    assert Entry.objects.get(pk=draft_a.pk).status == "draft"


def test_submitting_after_the_deadline_keeps_the_draft(focal_a, draft_a, closed_round):
    response = post(focal_a, "submit", draft_a, htmx=True)
    assert b"The comment round is closed" in response.content
    assert Entry.objects.get(pk=draft_a.pk).status == "draft"
    assert (
        AuditEvent.objects.filter(action__startswith="entry.").get().action == "entry.refused_late"
    )


def test_the_focal_point_withdraws(focal_a, submitted_a):
    post(focal_a, "withdraw", submitted_a)
    assert Entry.objects.get(pk=submitted_a.pk).status == "withdrawn"


def test_a_withdrawn_entry_cannot_be_submitted_again(focal_a, submitted_a):
    post(focal_a, "withdraw", submitted_a)
    assert post(focal_a, "submit", submitted_a).status_code == 403


def test_a_draft_cannot_be_withdrawn(focal_a, draft_a):
    assert post(focal_a, "withdraw", draft_a).status_code == 403


def test_a_focal_point_supports_another_organisations_proposal(focal_a, published_b):
    html = post(focal_a, "support", published_b, htmx=True).content.decode()
    assert "Kenya now supports this proposal." in html and "Supported by Kenya" in html
    assert Support.objects.get().user == focal_a.user


def test_a_focal_point_withdraws_their_support(
    focal_a, published_b, org_a, django_capture_on_commit_callbacks
):
    published_b.supports.create(organisation=org_a, user=focal_a.user)
    html = focal_a.get(reverse("comments:panel", args=[published_b.paragraph_id])).content.decode()
    assert "Withdraw our support</button>" in html and "Support</button>" not in html
    # The cached panel is renewed once the change commits (the browser test sees it in the
    # answer to the click itself, where each request commits on its own).
    with django_capture_on_commit_callbacks(execute=True):
        html = post(focal_a, "withdraw_support", published_b, htmx=True).content.decode()
    assert "Kenya no longer supports this proposal." in html
    html = focal_a.get(reverse("comments:panel", args=[published_b.paragraph_id])).content.decode()
    assert "Supported by Kenya" not in html and "Support</button>" in html
    assert not published_b.supports.exists()
    # Asked again (a resent form): nothing to withdraw, said plainly.
    html = post(focal_a, "withdraw_support", published_b, htmx=True).content.decode()
    assert "Your organisation does not support this proposal." in html


def test_the_entry_page_offers_to_withdraw_support(focal_a, published_b, org_a):
    published_b.supports.create(organisation=org_a, user=focal_a.user)
    html = focal_a.get(reverse("comments:entry", args=[published_b.pk])).content.decode()
    assert "Withdraw the support of Kenya" in html and "Support on behalf of" not in html


def test_a_focal_point_cannot_withdraw_support_for_their_own(focal_b, published_b):
    assert post(focal_b, "withdraw_support", published_b).status_code == 403


def test_a_focal_point_cannot_support_their_own(focal_b, published_b):
    assert post(focal_b, "support", published_b).status_code == 403


def test_a_comment_or_a_draft_cannot_be_supported(focal_b, draft_a, submitted_a, version):
    submitted_a.kind = Entry.Kind.COMMENT
    submitted_a.moderation = Entry.Moderation.PUBLISHED
    submitted_a.save()
    assert post(focal_b, "support", submitted_a).status_code == 403
    assert post(focal_b, "support", draft_a).status_code == 404
