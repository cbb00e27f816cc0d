"""An entry's history in plain words (#19): each kind of event, and who may read it."""

import re
import uuid

import pytest
from django.urls import reverse

from tests.comments.conftest import paragraph
from wsis.audit.models import record
from wsis.comments.history import entry_history
from wsis.comments.models import Entry


def told(entry, facilitates=False) -> list[str]:
    return [step.text for step in entry_history(entry, facilitates=facilitates)]


@pytest.fixture
def named(delegate_a, focal_a, facilitator):
    for client, first, last in (
        (delegate_a, "Alice", "Wanjiku"),
        (focal_a, "Fatima", "Odhiambo"),
        (facilitator, "Faye", "Chair"),
    ):
        client.user.first_name, client.user.last_name = first, last
        client.user.save()


def test_the_members_own_steps_are_told_with_their_names(draft_a, delegate_a, focal_a, named):
    org = draft_a.organisation
    record("entry.created", draft_a, actor=delegate_a.user, organisation=org, kind="amendment")
    for _ in range(3):
        record("entry.updated", draft_a, actor=focal_a.user, organisation=org, revision=2)
    record("entry.updated", draft_a, actor=delegate_a.user, organisation=org, revision=5)
    record("entry.submitted", draft_a, actor=focal_a.user, organisation=org, moderation="pending")
    record("entry.withdrawn", draft_a, actor=focal_a.user, organisation=org)
    assert told(draft_a) == [
        "drafted by Alice Wanjiku (KEN)",
        "edited by Fatima Odhiambo (3 times)",
        "edited by Alice Wanjiku",
        "submitted by Fatima Odhiambo, focal point of KEN",
        "withdrawn by Fatima Odhiambo",
    ]


def test_imports_batches_late_attempts_and_carrying_are_told(
    draft_a, delegate_a, focal_a, version, named
):
    org = draft_a.organisation
    record("entry.created", draft_a, actor=delegate_a.user, organisation=org, imported_from=7)
    record("entry.refused_late", draft_a, actor=focal_a.user, organisation=org, attempted="submit")
    record("entry.submitted", draft_a, actor=focal_a.user, organisation=org, batch=True)
    target = paragraph(version, "27")
    record(
        "entry.carried", draft_a, actor=delegate_a.user, organisation=org, to_paragraph=target.pk
    )
    assert told(draft_a) == [
        "drafted by Alice Wanjiku (KEN) from the organisation's marked-up copy",
        "Fatima Odhiambo tried to submit it after the round had closed: refused, the text kept",
        "submitted by Fatima Odhiambo, focal point of KEN, with the other drafts",
        "carried to OP 27 of Zero draft by Alice Wanjiku",
    ]


def test_supports_are_told_by_organisation(published_b, focal_a, org_a):
    record("entry.supported", published_b, actor=focal_a.user, organisation=org_a)
    record("entry.support_withdrawn", published_b, actor=focal_a.user, organisation=org_a)
    assert told(published_b) == ["supported by KEN", "KEN withdrew its support"]


def test_what_the_facilitators_did_names_them_only_to_facilitators(submitted_a, facilitator, named):
    by = {"actor": facilitator.user, "organisation": submitted_a.organisation}
    record("entry.published", submitted_a, **by)
    record("entry.rejected", submitted_a, reason="Off topic.", **by)
    record("entry.hidden", submitted_a, **by)
    record("entry.marked_duplicate", submitted_a, duplicate_of=12, **by)
    record("entry.marked_duplicate", submitted_a, duplicate_of=None, **by)
    record(
        "entry.decided", submitted_a, decision="partial", rationale="In part.",
        evidence={"score": 0.9}, **by,
    )  # fmt: skip
    assert told(submitted_a) == [
        "published by the facilitators",
        "rejected by the facilitators (reason: Off topic.)",
        "hidden by the facilitators",
        "marked by the facilitators as a duplicate of entry #12",
        "no longer marked as a duplicate, by the facilitators",
        "decision by the facilitators: partially incorporated (rationale: In part.)",
    ]
    assert told(submitted_a, facilitates=True)[0] == "published by Faye Chair"
    assert not any("score" in text for text in told(submitted_a, facilitates=True))


def test_real_actions_tell_the_whole_story_on_the_entry_page(
    delegate_a, focal_a, facilitator, version, named
):
    target = paragraph(version, "26")
    data = {"kind": "comment", "text": "Name the groups.", "form_token": str(uuid.uuid4())}
    delegate_a.post(reverse("comments:create", args=[target.pk]), data)
    entry = Entry.objects.get()
    data = {"kind": "comment", "text": "Name them all.", "revision": entry.revision}
    focal_a.post(reverse("comments:save", args=[entry.pk]), data)
    focal_a.post(reverse("comments:submit", args=[entry.pk]))
    facilitator.post(
        reverse("moderation:moderate", args=["wsis20", entry.pk]), {"action": "publish"}
    )
    html = focal_a.get(reverse("comments:entry", args=[entry.pk])).content.decode()
    story = re.search(r'<ol class="history-story">(.*?)</ol>', html, re.S)[1]
    steps = [" ".join(s.split()) for s in re.findall(r"<li>(.*?)</li>", story, re.S)]
    assert [step.split(" <span")[0] for step in steps] == [
        "Drafted by Alice Wanjiku (KEN)",
        "Edited by Fatima Odhiambo",
        "Submitted by Fatima Odhiambo, focal point of KEN",
        "Published by the facilitators",
    ]
    assert all('<time datetime="' in step for step in steps)

    moderation = facilitator.get(reverse("moderation:entry", args=["wsis20", entry.pk]))
    assert "Published by Faye Chair" in moderation.content.decode()


def test_only_the_organisation_and_the_facilitators_read_the_history(
    delegate_a, delegate_b, facilitator, anonymous, published_b
):
    record(
        "entry.created", published_b, actor=delegate_b.user, organisation=published_b.organisation
    )
    page = reverse("comments:entry", args=[published_b.pk])
    assert "history-story" in delegate_b.get(page).content.decode()
    assert "history-story" in facilitator.get(page).content.decode()
    for outsider in (delegate_a, anonymous):
        html = outsider.get(page).content.decode()
        assert "Universal Postal Union" in html  # the published entry itself, yes
        assert "history-story" not in html and "drafted by" not in html.lower()


def test_another_organisation_cannot_reach_a_drafts_history(delegate_b, draft_a):
    assert delegate_b.get(reverse("comments:entry", args=[draft_a.pk])).status_code == 404
