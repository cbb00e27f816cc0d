"""While silence runs, nothing else is accepted on the version: creating, saving, submitting,
withdrawing entries and supports are refused with the deadline, nothing is written, and what
was typed stays in the form. Once the deadline passes, writes go through again."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.silence.conftest import end_now
from wsis.comments import services as comment_services
from wsis.comments.models import Entry, Support
from wsis.silence import services

pytestmark = pytest.mark.django_db


def words(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def refusal(response):
    page = words(response)
    assert re.search(
        r"This version is under silence until \d+ \w+ \d{4}, [\d:]+ New York \([\d:, \w]+ UTC\): "
        r"nothing is accepted on it until then, and nothing was changed.",
        page,
    ), page[:2000]
    return page


def entry(version, organisation, author, *, status=Entry.Status.DRAFT, label="26"):
    return Entry.objects.create(
        version=version,
        paragraph=version.paragraphs.get(label=label),
        organisation=organisation,
        author=author,
        kind=Entry.Kind.AMENDMENT,
        proposed_text="A wording.",
        status=status,
        submitted_at=timezone.now() if status == Entry.Status.SUBMITTED else None,
        moderation=Entry.Moderation.PUBLISHED,
    )


def test_a_new_entry_is_refused_and_its_text_comes_back(silence, delegate_a):
    paragraph = silence.version.paragraphs.get(label="26")
    response = delegate_a.post(
        reverse("comments:create", args=[paragraph.pk]),
        {"kind": "comment", "text": "Typed during silence."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert "Typed during silence." in refusal(response)
    assert not Entry.objects.exists()


def test_the_panel_offers_no_form_under_silence(silence, delegate_a):
    paragraph = silence.version.paragraphs.get(label="26")
    page = words(delegate_a.get(reverse("comments:panel", args=[paragraph.pk])))
    assert "Nothing is accepted on this version while it is under silence." in page
    assert "Under silence until" in page


def test_saving_a_draft_is_refused_and_keeps_the_typing(silence, delegate_a, org_a):
    draft = entry(silence.version, org_a, delegate_a.user)
    response = delegate_a.post(
        reverse("comments:save", args=[draft.pk]),
        {"kind": "amendment", "proposed_text": "Changed during silence.", "revision": 1},
    )
    assert response.status_code == 409
    assert "Changed during silence." in refusal(response)
    draft.refresh_from_db()
    assert draft.proposed_text == "A wording."


def test_submitting_is_refused(silence, focal_a, org_a):
    draft = entry(silence.version, org_a, focal_a.user)
    response = focal_a.post(reverse("comments:submit", args=[draft.pk]), follow=True)
    refusal(response)
    draft.refresh_from_db()
    assert draft.status == Entry.Status.DRAFT


def test_submitting_all_is_refused(silence, focal_a, org_a):
    draft = entry(silence.version, org_a, focal_a.user)
    response = focal_a.post(
        reverse("comments:submit_all", args=["wsis20"]), {"entry": [draft.pk]}, follow=True
    )
    refusal(response)
    draft.refresh_from_db()
    assert draft.status == Entry.Status.DRAFT


def test_withdrawing_is_refused(silence, focal_a, org_a):
    submitted = entry(silence.version, org_a, focal_a.user, status=Entry.Status.SUBMITTED)
    refusal(focal_a.post(reverse("comments:withdraw", args=[submitted.pk]), follow=True))
    submitted.refresh_from_db()
    assert submitted.status == Entry.Status.SUBMITTED


def test_supporting_and_withdrawing_support_are_refused(silence, focal_a, org_a, org_b, delegate_b):
    theirs = entry(silence.version, org_b, delegate_b.user, status=Entry.Status.SUBMITTED)
    refusal(focal_a.post(reverse("comments:support", args=[theirs.pk]), follow=True))
    assert not Support.objects.exists()
    Support.objects.create(entry=theirs, organisation=org_a, user=focal_a.user)
    refusal(focal_a.post(reverse("comments:withdraw_support", args=[theirs.pk]), follow=True))
    assert Support.objects.count() == 1


def test_the_entry_page_offers_no_submit_under_silence(silence, focal_a, org_a):
    draft = entry(silence.version, org_a, focal_a.user)
    page = focal_a.get(reverse("comments:entry", args=[draft.pk])).content.decode()
    assert reverse("comments:submit", args=[draft.pk]) not in page
    end_now(silence)
    page = focal_a.get(reverse("comments:entry", args=[draft.pk])).content.decode()
    assert reverse("comments:submit", args=[draft.pk]) in page


def test_the_services_refuse_whatever_the_view(silence, focal_a, org_a):
    membership = focal_a.user.memberships.get()
    paragraph = silence.version.paragraphs.get(label="26")
    with pytest.raises(comment_services.InSilence) as refused:
        comment_services.create_draft(
            paragraph=paragraph, membership=membership, data={"kind": "comment", "text": "x"}
        )
    assert refused.value.until == silence.deadline
    assert not Entry.objects.exists()


def test_writes_go_through_again_once_silence_ends(silence, focal_a, facilitator):
    services.end_early(silence, user=facilitator.user)
    paragraph = silence.version.paragraphs.get(label="26")
    response = focal_a.post(
        reverse("comments:create", args=[paragraph.pk]), {"kind": "comment", "text": "After."}
    )
    assert response.status_code == 302
    assert Entry.objects.get().text == "After."
