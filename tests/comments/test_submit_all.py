from django.urls import reverse

from tests.comments.conftest import make_entry
from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry

URL = reverse("comments:submit_all", args=["wsis20"])


def test_it_lists_what_will_go_out(focal_a, draft_a, submitted_a, published_b):
    html = focal_a.get(URL).content.decode()
    assert "This 1 entry will go out" in html
    assert f'name="entry" value="{draft_a.pk}"' in html
    assert f'value="{submitted_a.pk}"' not in html and f'value="{published_b.pk}"' not in html


def test_it_submits_the_listed_drafts(focal_a, draft_a, version, org_a, delegate_a):
    second = make_entry(version, org_a, delegate_a.user, label="27", kind="comment", text="Hm.")
    response = focal_a.post(URL, {"entry": [draft_a.pk, second.pk]})
    assert response.status_code == 302 and response.url == "/c/wsis20/our-entries/"
    assert set(Entry.objects.values_list("status", flat=True)) == {"submitted"}
    assert AuditEvent.objects.filter(action="entry.submitted").count() == 2


def test_a_draft_added_after_the_confirmation_stays_a_draft(focal_a, draft_a, version, org_a):
    late = make_entry(version, org_a, focal_a.user, label="27", kind="comment", text="New.")
    focal_a.post(URL, {"entry": [draft_a.pk]})
    assert Entry.objects.get(pk=late.pk).status == "draft"


def test_it_cannot_submit_another_organisations_drafts(focal_b, draft_a):
    focal_b.post(URL, {"entry": [draft_a.pk]})
    assert Entry.objects.get(pk=draft_a.pk).status == "draft"


def test_after_the_deadline_nothing_goes_out(focal_a, draft_a, closed_round):
    response = focal_a.post(URL, {"entry": [draft_a.pk]}, follow=True)
    assert b"nothing was submitted" in response.content
    assert Entry.objects.get(pk=draft_a.pk).status == "draft"
    assert (
        AuditEvent.objects.filter(action__startswith="entry.").get().action == "entry.refused_late"
    )


def test_with_no_drafts_it_says_so(focal_a, version):
    assert b"no drafts to submit" in focal_a.get(URL).content
