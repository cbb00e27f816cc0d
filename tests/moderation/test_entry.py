"""One entry: moderation, decision, duplicate, with htmx partials and the plain-form fallback."""

import pytest
from django.urls import reverse

from wsis.audit.models import AuditEvent, target_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, entry):
    return reverse(f"moderation:{name}", args=["wsis20", entry.pk])


def test_it_publishes_and_records_who(facilitator, entry_a):
    paragraph_url = reverse("moderation:paragraph", args=["wsis20", "OP26"])
    response = facilitator.post(
        url("moderate", entry_a), {"action": "publish", "next": paragraph_url}
    )
    assert response["Location"] == paragraph_url
    entry_a.refresh_from_db()
    assert entry_a.moderation == "published"
    event = AuditEvent.objects.get(action="entry.published")
    assert event.actor == facilitator.user
    assert event.target == target_of(entry_a)
    assert event.organisation == entry_a.organisation
    assert event.data["before"] == "pending"


def test_it_answers_htmx_with_the_card_alone(facilitator, entry_a):
    response = facilitator.post(url("moderate", entry_a), {"action": "hide"}, **HTMX)
    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith(
        f'<article class="entry-card moderation-hidden" id="entry-{entry_a.pk}"'
    )
    assert "<html" not in text
    assert "Saved." in text
    again = facilitator.post(url("moderate", entry_a), {"action": "hide"}, **HTMX)
    assert "Already hidden" in again.content.decode()


def test_it_needs_a_reason_to_reject_and_keeps_what_was_typed(facilitator, entry_a):
    response = facilitator.post(url("moderate", entry_a), {"action": "reject", "reason": "  "})
    assert response.status_code == 400
    assert "Give the reason for rejecting" in response.content.decode()
    entry_a.refresh_from_db()
    assert entry_a.moderation == "pending"
    assert not AuditEvent.objects.filter(action__startswith="entry.").exists()


def test_it_shows_htmx_errors_in_the_card(facilitator, entry_a):
    response = facilitator.post(
        url("decide", entry_a), {"decision": "incorporated", "rationale": ""}, **HTMX
    )
    assert response.status_code == 400  # swapped all the same (base.html's htmx-config)
    assert "Give the rationale for the decision." in response.content.decode()
    entry_a.refresh_from_db()
    assert entry_a.decision == "open"


def test_it_rejects_with_a_reason(facilitator, entry_a):
    facilitator.post(
        url("moderate", entry_a), {"action": "reject", "reason": "Not on this paragraph"}
    )
    entry_a.refresh_from_db()
    assert (entry_a.moderation, entry_a.moderation_reason) == ("rejected", "Not on this paragraph")
    assert AuditEvent.objects.get(action="entry.rejected").data["reason"] == "Not on this paragraph"


def test_it_records_a_decision_with_rationale(facilitator, entry_a):
    facilitator.post(url("decide", entry_a), {"decision": "partial", "rationale": "Half of it."})
    entry_a.refresh_from_db()
    assert (entry_a.decision, entry_a.decision_rationale) == ("partial", "Half of it.")
    event = AuditEvent.objects.get(action="entry.decided")
    assert event.data == {"before": "open", "decision": "partial", "rationale": "Half of it."}


def test_it_refuses_a_bad_decision(facilitator, entry_a):
    response = facilitator.post(url("decide", entry_a), {"decision": "maybe"})
    assert response.status_code == 400
    entry_a.refresh_from_db()
    assert entry_a.decision == "open"


def test_it_takes_no_decision_on_a_comment(facilitator, make_entry, org_a):
    comment = make_entry(org_a, kind="comment", proposed_text="")
    response = facilitator.post(
        url("decide", comment), {"decision": "incorporated", "rationale": "x"}, follow=True
    )
    comment.refresh_from_db()
    assert comment.decision == "open"
    assert "a comment takes no decision" in response.content.decode()


def test_it_marks_and_clears_a_duplicate(facilitator, entry_a, entry_b):
    facilitator.post(url("duplicate", entry_b), {"duplicate_of": entry_a.pk})
    entry_b.refresh_from_db()
    assert entry_b.duplicate_of == entry_a
    # The reverse would make a loop.
    response = facilitator.post(url("duplicate", entry_a), {"duplicate_of": entry_b.pk})
    assert response.status_code == 400
    facilitator.post(url("duplicate", entry_b), {"duplicate_of": ""})
    entry_b.refresh_from_db()
    assert entry_b.duplicate_of is None
    assert AuditEvent.objects.filter(action="entry.marked_duplicate").count() == 2


def test_it_refuses_a_duplicate_of_itself_or_of_nothing(facilitator, entry_a):
    assert (
        facilitator.post(url("duplicate", entry_a), {"duplicate_of": entry_a.pk}).status_code == 400
    )
    response = facilitator.post(url("duplicate", entry_a), {"duplicate_of": 999999})
    assert response.status_code == 400
    assert "No submitted entry #999999" in response.content.decode()


def test_it_shows_the_whole_history(facilitator, entry_a, focal_a):
    from wsis.audit.models import record

    record("entry.submitted", entry_a, actor=focal_a.user, organisation=entry_a.organisation)
    facilitator.post(url("moderate", entry_a), {"action": "publish"})
    facilitator.post(url("decide", entry_a), {"decision": "not_incorporated", "rationale": "No."})
    response = facilitator.get(url("entry", entry_a))
    actions = [event.action for event in response.context["history"]]
    assert actions == ["entry.submitted", "entry.published", "entry.decided"]
    assert "fatima" in response.content.decode()


def test_it_escapes_what_organisations_typed(facilitator, make_entry, org_a):
    entry = make_entry(org_a, text="<script>alert(1)</script>", proposed_text="<b>bold</b> claim")
    for page in (url("entry", entry), reverse("moderation:paragraph", args=["wsis20", "26"])):
        text = facilitator.get(page).content.decode()
        assert "<script>alert(1)" not in text
        assert "&lt;script&gt;" in text


def test_the_paragraph_view_shows_every_proposal_with_its_diff(
    facilitator, entry_a, entry_b, make_entry, org_b, focal_a
):
    from wsis.comments.models import Support

    Support.objects.create(entry=entry_b, organisation=entry_a.organisation, user=focal_a.user)
    make_entry(org_b, label="27")
    response = facilitator.get(reverse("moderation:paragraph", args=["wsis20", "OP26"]))
    cards = response.context["cards"]
    # Member States first, then the other groups.
    assert [card["entry"].pk for card in cards] == [entry_a.pk, entry_b.pk]
    assert "<ins>meaningful" in str(cards[0]["diff"])
    assert [org.acronym for org in cards[1]["supporters"]] == ["KEN"]
    text = response.content.decode()
    assert "Kenya (Member State)" in text
    assert f'hx-post="{url("decide", entry_a)}"' in text
    assert f'action="{url("decide", entry_a)}"' in text


def test_the_paragraph_view_answers_404_for_an_unknown_paragraph(facilitator, version):
    assert (
        facilitator.get(reverse("moderation:paragraph", args=["wsis20", "OP999"])).status_code
        == 404
    )
