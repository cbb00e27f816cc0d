"""The facilitators' status pages, the reader and the rolling text showing statuses, and the
convergence panel."""

import pytest
from django.urls import reverse

from wsis.negotiation.models import ConvergenceSnapshot, ParagraphStatus, StatusChange
from wsis.negotiation.services import set_status

pytestmark = pytest.mark.django_db

Status = ParagraphStatus.Status
STATUSES = reverse("negotiation:statuses", args=["wsis20"])


def pk(version, label):
    return version.paragraphs.get(label=label).pk


def test_a_facilitator_sets_ticked_paragraphs_at_once(version, facilitator):
    response = facilitator.post(
        STATUSES,
        {
            "paragraphs": [pk(version, "1"), pk(version, "2")],
            "status": "agreed_ad_ref",
            "note": "x",
        },
    )
    assert response.status_code == 302
    assert ParagraphStatus.objects.filter(status=Status.AGREED_AD_REF).count() == 2
    page = facilitator.get(STATUSES)
    assert page.text.count("Agreed ad ref</span>") >= 2


def test_bad_input_changes_nothing_and_keeps_what_was_typed(version, facilitator, org_a):
    response = facilitator.post(
        STATUSES,
        {"paragraphs": [pk(version, "3")], "status": "pending", "waiting_for": "KEN XYZ",
         "note": "waiting for capitals"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "No accredited delegation has the acronym XYZ." in response.text
    assert 'value="KEN XYZ"' in response.text and 'value="waiting for capitals"' in response.text
    assert f'value="{pk(version, "3")}" id="tick-OP3" checked' in response.text
    assert not ParagraphStatus.objects.exists()
    response = facilitator.post(STATUSES, {"status": "closed"})
    assert "Tick the paragraphs to set." in response.text


def test_pending_waits_for_the_delegations_named(version, facilitator, org_a, org_b):
    facilitator.post(
        STATUSES,
        {"paragraphs": [pk(version, "4")], "status": "pending", "waiting_for": "ken, UPU"},
    )
    row = ParagraphStatus.objects.get()
    assert sorted(row.waiting_for.values_list("acronym", flat=True)) == ["KEN", "UPU"]


def test_the_paragraph_page_sets_its_status_inline(version, facilitator):
    url = reverse("negotiation:paragraph_status", args=["wsis20", "OP26"])
    page = reverse("moderation:paragraph", args=["wsis20", "OP26"])
    assert 'id="status"' in facilitator.get(page).text
    response = facilitator.post(url, {"status": "agreed_informals", "note": "informals"})
    assert response.status_code == 302 and response.url == page + "#status"
    response = facilitator.post(url, {"status": "closed"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="status"')
    assert "agreed in informals → closed" in " ".join(response.text.split())
    assert StatusChange.objects.count() == 2
    refused = facilitator.post(url, {"status": "pending"}, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    assert "Name the delegations a pending paragraph waits for." in refused.text


def test_the_reader_shows_a_status_as_soon_as_it_is_set(version, facilitator, anonymous):
    reader = reverse("drafts:version", args=["wsis20", "Zero draft"])
    assert "Agreed ad ref" not in anonymous.get(reader).text  # cached now
    paragraph = version.paragraphs.get(label="26")
    set_status(paragraphs=[paragraph], status=Status.AGREED_AD_REF, actor=facilitator.user)
    assert "Agreed ad ref" in anonymous.get(reader).text
    set_status(paragraphs=[paragraph], status=Status.OPEN, actor=facilitator.user)
    assert "Agreed ad ref" not in anonymous.get(reader).text


def test_the_overview_shows_statuses_and_the_convergence_panel(version, facilitator):
    set_status(
        paragraphs=[version.paragraphs.get(label="1")], status=Status.AGREED_AD_REF,
        actor=facilitator.user,
    )  # fmt: skip
    overview = reverse("moderation:overview", args=["wsis20"])
    text = facilitator.get(overview).text
    total = version.paragraphs.count()
    assert f"1 of {total} paragraphs agreed ad ref" in text
    assert 'data-stage="plenary"' in text
    response = facilitator.post(
        reverse("negotiation:snapshot", args=["wsis20"]), {"label": "After the first reading"}
    )
    assert response.status_code == 302
    assert ConvergenceSnapshot.objects.get().agreed == 1
    assert "After the first reading" in facilitator.get(overview).text
    facilitator.post(reverse("negotiation:snapshot", args=["wsis20"]), {"label": ""})
    assert ConvergenceSnapshot.objects.count() == 1


def test_participants_read_the_panel_and_statuses_on_the_rolling_text(
    version, facilitator, anonymous
):
    set_status(
        paragraphs=[version.paragraphs.get(label="2")], status=Status.AGREED_INFORMALS,
        actor=facilitator.user,
    )  # fmt: skip
    text = anonymous.get(reverse("comments:rolling", args=["wsis20", "Zero draft"])).text
    assert "[Agreed in informals]" in text
    assert f"0 of {version.paragraphs.count()} paragraphs agreed ad ref" in text
    assert "Take a snapshot now" not in text
