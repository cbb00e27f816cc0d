import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.comments.conftest import paragraph
from wsis.audit.models import AuditEvent
from wsis.comments import services
from wsis.comments.models import Entry, Support
from wsis.drafts.models import DeadlineExtension
from wsis.stakeholders.models import Membership


def membership(client):
    return Membership.objects.select_related("organisation", "user").get(user=client.user)


def actions(entry):
    return list(
        AuditEvent.objects.filter(target=f"comments.entry:{entry.pk}")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def amend(version, label="26"):
    text = paragraph(version, label).text
    return {"kind": "amendment", "proposed_text": text + " More.", "text": "Why."}


def test_create_draft_saves_and_records(version, delegate_a):
    entry, outcome = services.create_draft(
        paragraph=paragraph(version, "26"), membership=membership(delegate_a), data=amend(version)
    )
    assert outcome == services.CREATED
    assert entry.status == Entry.Status.DRAFT and entry.organisation.acronym == "KEN"
    assert entry.author == delegate_a.user and entry.revision == 1
    assert actions(entry) == ["entry.created"]
    event = AuditEvent.objects.get(action="entry.created")
    assert event.actor == delegate_a.user and event.organisation.acronym == "KEN"


def test_the_same_form_token_creates_one_entry(version, delegate_a):
    data = amend(version) | {"form_token": uuid.uuid4()}
    kwargs = {"paragraph": paragraph(version, "26"), "membership": membership(delegate_a)}
    first, _ = services.create_draft(data=data, **kwargs)
    again, outcome = services.create_draft(data=data, **kwargs)
    assert again == first and outcome == services.DUPLICATE
    assert Entry.objects.count() == 1 and actions(first) == ["entry.created"]


def test_saving_an_entry_costs_a_handful_of_queries(version, delegate_a):
    target, member, data = paragraph(version, "26"), membership(delegate_a), amend(version)
    with CaptureQueriesContext(connection) as queries:
        services.create_draft(paragraph=target, membership=member, data=data)
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    # The insert, its audit event, the round and the organisation's extension; and the
    # author's allowance of new drafts: the form's token not yet used, the author's row locked
    # so that two saves at once are counted one after the other, their drafts of the last day.
    assert len(statements) <= 7, statements


def test_update_draft_bumps_the_revision(draft_a, delegate_a, focal_a):
    data = {"kind": "comment", "text": "Now a comment.", "proposed_text": "", "revision": 1}
    saved, outcome = services.update_draft(draft_a, membership=membership(focal_a), data=data)
    assert outcome == services.UPDATED and saved.revision == 2 and saved.kind == "comment"
    assert actions(draft_a) == ["entry.updated"]


def test_a_stale_save_is_refused_and_changes_nothing(draft_a, delegate_a, focal_a):
    first = {"kind": "amendment", "text": "A", "proposed_text": "Alice's text.", "revision": 1}
    services.update_draft(draft_a, membership=membership(delegate_a), data=first)
    second = first | {"proposed_text": "Fatima's text."}
    with pytest.raises(services.Conflict) as refused:
        services.update_draft(draft_a, membership=membership(focal_a), data=second)
    assert refused.value.current.proposed_text == "Alice's text."
    draft_a.refresh_from_db()
    assert draft_a.proposed_text == "Alice's text." and draft_a.revision == 2


def test_a_resent_save_with_the_same_text_is_not_a_conflict(draft_a, delegate_a):
    data = {"kind": "comment", "text": "Same.", "proposed_text": "", "revision": 1}
    services.update_draft(draft_a, membership=membership(delegate_a), data=data)
    _, outcome = services.update_draft(draft_a, membership=membership(delegate_a), data=data)
    assert outcome == services.UNCHANGED


def test_submit_sets_pending_and_submitted_at(draft_a, focal_a):
    assert services.submit(draft_a, membership=membership(focal_a)) == services.DONE
    draft_a.refresh_from_db()
    assert draft_a.status == Entry.Status.SUBMITTED and draft_a.submitted_at is not None
    assert draft_a.moderation == Entry.Moderation.PENDING
    assert actions(draft_a) == ["entry.submitted"]
    assert services.submit(draft_a, membership=membership(focal_a)) == services.ALREADY


def test_submit_publishes_at_once_when_the_consultation_says_so(draft_a, focal_a, consultation):
    consultation.publish_immediately = True
    consultation.save()
    services.submit(draft_a, membership=membership(focal_a))
    draft_a.refresh_from_db()
    assert draft_a.moderation == Entry.Moderation.PUBLISHED


def test_submit_all_submits_only_the_confirmed_drafts(version, draft_a, focal_a, org_a):
    later = Entry.objects.create(
        version=version, paragraph=draft_a.paragraph, organisation=org_a,
        author=focal_a.user, kind="comment", text="Added after the confirmation page.",
    )  # fmt: skip
    done, outcome = services.submit_all(
        version, membership=membership(focal_a), entry_ids=[draft_a.pk]
    )
    assert outcome == services.DONE and done == [draft_a]
    later.refresh_from_db()
    assert later.status == Entry.Status.DRAFT
    assert Entry.objects.get(pk=draft_a.pk).status == Entry.Status.SUBMITTED


def test_withdraw_keeps_the_entry(submitted_a, focal_a):
    assert services.withdraw(submitted_a, membership=membership(focal_a)) == services.DONE
    submitted_a.refresh_from_db()
    assert submitted_a.status == Entry.Status.WITHDRAWN
    assert actions(submitted_a) == ["entry.withdrawn"]


def test_withdraw_refuses_a_draft(draft_a, focal_a):
    with pytest.raises(services.NotAllowed):
        services.withdraw(draft_a, membership=membership(focal_a))


def test_support_once_per_organisation(published_b, focal_a):
    assert services.support(published_b, membership=membership(focal_a)) == services.DONE
    assert services.support(published_b, membership=membership(focal_a)) == services.ALREADY
    assert Support.objects.get().organisation.acronym == "KEN"
    assert actions(published_b) == ["entry.supported"]


def test_support_can_be_withdrawn_while_the_round_is_open(published_b, focal_a):
    services.support(published_b, membership=membership(focal_a))
    assert services.withdraw_support(published_b, membership=membership(focal_a)) == services.DONE
    assert not Support.objects.exists()
    assert services.withdraw_support(published_b, membership=membership(focal_a)) == (
        services.ALREADY
    )
    # Both kept on record, in order.
    assert actions(published_b) == ["entry.supported", "entry.support_withdrawn"]


def test_a_failure_after_withdrawing_support_leaves_the_support_in_place(
    published_b, focal_a, monkeypatch
):
    services.support(published_b, membership=membership(focal_a))

    def audit_log_down(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(services, "record", audit_log_down)
    with pytest.raises(RuntimeError):
        services.withdraw_support(published_b, membership=membership(focal_a))
    assert published_b.supports.filter(organisation=membership(focal_a).organisation).exists()


def test_after_the_deadline_support_cannot_be_withdrawn(published_b, focal_a, org_a, version):
    published_b.supports.create(organisation=org_a, user=focal_a.user)
    version.round.closes_at = timezone.now() - timedelta(minutes=1)
    version.round.save()
    assert services.withdraw_support(published_b, membership=membership(focal_a)) == services.LATE
    assert Support.objects.filter(organisation=org_a).exists()
    late = AuditEvent.objects.get(action="entry.refused_late")
    assert late.data["attempted"] == "withdraw_support"


def test_after_the_deadline_a_new_text_is_kept_as_a_draft(version, closed_round, delegate_a):
    entry, outcome = services.create_draft(
        paragraph=paragraph(version, "26"), membership=membership(delegate_a), data=amend(version)
    )
    assert outcome == services.LATE
    assert entry.status == Entry.Status.DRAFT and entry.proposed_text.endswith("More.")
    assert actions(entry) == ["entry.created", "entry.refused_late"]
    late = AuditEvent.objects.get(action="entry.refused_late")
    assert late.organisation.acronym == "KEN" and late.data["attempted"] == "create"


@pytest.mark.parametrize("action", ["submit", "withdraw"])
def test_after_the_deadline_submit_and_withdraw_are_refused(
    action, draft_a, submitted_a, closed_round, focal_a
):
    entry = draft_a if action == "submit" else submitted_a
    before = entry.status
    assert getattr(services, action)(entry, membership=membership(focal_a)) == services.LATE
    entry.refresh_from_db()
    assert entry.status == before
    assert actions(entry) == ["entry.refused_late"]


def test_after_the_deadline_support_is_refused(published_b, closed_round, focal_a):
    assert services.support(published_b, membership=membership(focal_a)) == services.LATE
    assert not Support.objects.exists()


def test_after_the_deadline_submit_all_submits_nothing(version, draft_a, closed_round, focal_a):
    _, outcome = services.submit_all(
        version, membership=membership(focal_a), entry_ids=[draft_a.pk]
    )
    assert outcome == services.LATE
    assert Entry.objects.get(pk=draft_a.pk).status == Entry.Status.DRAFT


def test_an_extension_keeps_the_round_open_for_one_organisation(
    draft_a, closed_round, focal_a, org_a
):
    DeadlineExtension.objects.create(
        round=closed_round, organisation=org_a, closes_at=timezone.now() + timedelta(hours=2)
    )
    assert services.submit(draft_a, membership=membership(focal_a)) == services.DONE


def test_before_the_round_opens_writes_are_refused(draft_a, version, focal_a):
    version.round.opens_at = timezone.now() + timedelta(days=1)
    version.round.closes_at = timezone.now() + timedelta(days=2)
    version.round.save()
    assert services.submit(draft_a, membership=membership(focal_a)) == services.LATE
