"""Entries are written only on a version open for comments, and a version in preparation is
seen only by the facilitators of its consultation (issue #15, item 1)."""

import pytest
from django.urls import reverse

from tests.comments.conftest import make_entry
from tests.conftest import parsed
from tests.drafts.conftest import REV1
from wsis.comments import services
from wsis.comments.models import Entry
from wsis.drafts.models import Version
from wsis.drafts.services import import_revision
from wsis.stakeholders.models import Membership


@pytest.fixture
def closed(version):
    """The zero draft closed by a facilitator while its comment round still runs."""
    version.status = Version.Status.CLOSED
    version.save(update_fields=["status"])
    return version


@pytest.fixture
def rev1(version):
    return import_revision(version.consultation, "Rev.1", parsed(REV1))


def test_no_draft_is_created_on_a_closed_version(closed, delegate_a):
    paragraph = closed.paragraphs.get(label="26")
    url = reverse("comments:create", args=[paragraph.pk])
    response = delegate_a.post(url, {"kind": "comment", "text": "Too late."})
    assert response.status_code == 403
    assert not Entry.objects.exists()


def test_a_draft_on_a_closed_version_is_neither_saved_nor_submitted(closed, org_a, focal_a):
    draft = make_entry(closed, org_a, focal_a.user, kind=Entry.Kind.COMMENT, text="Before.")
    save = focal_a.post(
        reverse("comments:save", args=[draft.pk]),
        {"kind": "comment", "text": "After.", "revision": "1"},
    )
    submit = focal_a.post(reverse("comments:submit", args=[draft.pk]))
    assert (save.status_code, submit.status_code) == (403, 403)
    draft.refresh_from_db()
    assert (draft.text, draft.status) == ("Before.", Entry.Status.DRAFT)


def test_the_service_itself_refuses_a_version_that_is_not_open(closed, draft_a, focal_a):
    """The round is still open: only the version's status stops the submission."""
    focal = Membership.objects.select_related("organisation").get(user=focal_a.user)
    assert services.submit(draft_a, membership=focal) == services.LATE
    draft_a.refresh_from_db()
    assert draft_a.status == Entry.Status.DRAFT


def test_a_delegate_cannot_write_on_a_version_in_preparation(rev1, delegate_a):
    paragraph = rev1.paragraphs.get(label="24")
    response = delegate_a.post(
        reverse("comments:create", args=[paragraph.pk]), {"kind": "comment", "text": "Early."}
    )
    assert response.status_code == 404
    assert not Entry.objects.exists()


def test_a_paragraph_in_preparation_shows_its_wording_only_to_facilitators(
    rev1, anonymous, facilitator
):
    paragraph = rev1.paragraphs.get(label="24")
    url = reverse("comments:panel", args=[paragraph.pk])
    assert anonymous.get(url).status_code == 404
    # Once the panel is cached for the facilitator, the cached paragraph is checked too.
    assert paragraph.text[:40] in facilitator.get(url).content.decode()
    assert anonymous.get(url).status_code == 404


def test_the_api_lists_a_version_in_preparation_to_facilitators_only(rev1, anonymous, facilitator):
    url = reverse("api:consultation", args=[rev1.consultation.slug])

    def labels(client):
        return [v["label"] for v in client.get(url).json()["versions"]]

    assert labels(anonymous) == ["Zero draft"]
    assert labels(facilitator) == ["Zero draft", "Rev.1"]


def test_a_facilitator_of_another_consultation_does_not_see_it(rev1, facilitator):
    rev1.consultation.facilitators.remove(facilitator.user)
    assert not Version.objects.visible_to(facilitator.user).filter(pk=rev1.pk).exists()
    assert not rev1.is_visible_to(facilitator.user)
    assert facilitator.get(rev1.get_absolute_url()).status_code == 404


def test_the_reader_and_the_panel_show_the_round_of_a_closed_version_as_closed(closed, focal_a):
    """What the pages say follows the rule the services apply (``CommentRound.is_open_for``)."""
    paragraph = closed.paragraphs.get(label="26")
    reader = focal_a.get(closed.get_absolute_url()).content.decode()
    panel = focal_a.get(reverse("comments:panel", args=[paragraph.pk])).content.decode()
    for html in (reader, panel):
        assert "round-closed" in html and "round-open" not in html
