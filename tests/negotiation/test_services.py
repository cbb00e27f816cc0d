"""Setting paragraph statuses and taking convergence snapshots (``wsis.negotiation.services``)."""

import json

import pytest
from django.core.management import call_command

from wsis.audit.models import AuditEvent
from wsis.negotiation.models import ConvergenceSnapshot, ParagraphStatus, StatusChange
from wsis.negotiation.services import set_status, statuses, take_snapshot

pytestmark = pytest.mark.django_db

Status = ParagraphStatus.Status


def paragraphs(version, *labels):
    return list(version.paragraphs.filter(label__in=labels))


def test_a_paragraph_with_no_row_is_open_and_not_listed(version):
    assert statuses(version) == {}


def test_setting_statuses_in_bulk_records_history_and_audit(version, facilitator):
    chosen = paragraphs(version, "1", "2", "3")
    changes = set_status(
        paragraphs=chosen, status=Status.AGREED_AD_REF, actor=facilitator.user, note="1st reading"
    )
    assert len(changes) == 3
    found = statuses(version)
    assert {found[p.pk].status for p in chosen} == {Status.AGREED_AD_REF}
    change = StatusChange.objects.get(paragraph=chosen[0])
    assert (change.before, change.after, change.note) == ("open", "agreed_ad_ref", "1st reading")
    assert change.actor == facilitator.user
    events = AuditEvent.objects.filter(action="paragraph.status")
    assert events.count() == 3
    assert events.first().data["after"] == "agreed_ad_ref"


def test_setting_the_same_status_again_changes_nothing(version, facilitator):
    chosen = paragraphs(version, "1")
    set_status(paragraphs=chosen, status=Status.AGREED_INFORMALS, actor=facilitator.user)
    assert (
        set_status(paragraphs=chosen, status=Status.AGREED_INFORMALS, actor=facilitator.user) == []
    )
    assert StatusChange.objects.count() == 1


def test_pending_names_the_delegations_it_waits_for(version, facilitator, org_a, org_b):
    [paragraph] = paragraphs(version, "5")
    with pytest.raises(ValueError, match="delegations"):
        set_status(paragraphs=[paragraph], status=Status.PENDING, actor=facilitator.user)
    assert not ParagraphStatus.objects.exists()
    set_status(
        paragraphs=[paragraph], status=Status.PENDING, actor=facilitator.user,
        waiting_for=[org_b, org_a],
    )  # fmt: skip
    row = statuses(version)[paragraph.pk]
    assert sorted(o.acronym for o in row.waiting_for.all()) == ["KEN", "UPU"]
    assert StatusChange.objects.get().waiting_for == ["KEN", "UPU"]
    # Agreed at last: nobody is waited for any more.
    set_status(paragraphs=[paragraph], status=Status.AGREED_AD_REF, actor=facilitator.user)
    assert not statuses(version)[paragraph.pk].waiting_for.exists()


def test_an_unknown_status_is_refused(version, facilitator):
    with pytest.raises(ValueError, match="Choose a status"):
        set_status(paragraphs=paragraphs(version, "1"), status="agreed", actor=facilitator.user)
    with pytest.raises(ValueError, match="paragraph"):
        set_status(paragraphs=[], status=Status.CLOSED, actor=facilitator.user)


def test_paragraphs_agreed_as_a_package_share_its_name(version, facilitator):
    chosen = paragraphs(version, "7", "8")
    set_status(
        paragraphs=chosen, status=Status.AGREED_AD_REF, actor=facilitator.user, package="Finance"
    )
    found = statuses(version)
    assert {found[p.pk].package for p in chosen} == {"Finance"}
    # A status set later keeps the package unless told otherwise.
    set_status(paragraphs=chosen[:1], status=Status.CLOSED, actor=facilitator.user)
    assert statuses(version)[chosen[0].pk].package == "Finance"


def test_a_snapshot_counts_the_paragraphs_agreed(version, facilitator):
    set_status(
        paragraphs=paragraphs(version, "1", "2"), status=Status.AGREED_AD_REF,
        actor=facilitator.user,
    )  # fmt: skip
    set_status(
        paragraphs=paragraphs(version, "3"), status=Status.AGREED_INFORMALS, actor=facilitator.user
    )
    snapshot = take_snapshot(version, label="After the first reading", actor=facilitator.user)
    assert (snapshot.paragraphs, snapshot.agreed, snapshot.informals) == (
        version.paragraphs.count(), 2, 1,
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="version.convergence_snapshot").exists()
    with pytest.raises(ValueError, match="Name the snapshot"):
        take_snapshot(version, label=" ", actor=facilitator.user)
    assert ConvergenceSnapshot.objects.count() == 1


def test_the_json_export_names_each_paragraphs_status(version, facilitator, org_b, capsys):
    [pending] = paragraphs(version, "5")
    set_status(
        paragraphs=[pending], status=Status.PENDING, actor=facilitator.user, waiting_for=[org_b]
    )
    set_status(paragraphs=paragraphs(version, "6"), status="agreed_ad_ref", actor=facilitator.user)
    call_command("export_version", "--consultation", "wsis20", "--label", "Zero draft")
    data = json.loads(capsys.readouterr().out)
    found = {p["label"]: p for s in data["sections"] for p in s["paragraphs"]}
    assert found["5"]["status"] == "pending" and found["5"]["waiting_for"] == ["UPU"]
    assert found["6"]["status"] == "agreed_ad_ref"
    assert found["7"]["status"] == "open"


def test_the_plain_rolling_text_names_the_status_after_the_label(
    version, facilitator, capsys, org_a, org_b
):
    set_status(paragraphs=paragraphs(version, "6"), status="agreed_ad_ref", actor=facilitator.user)
    set_status(
        paragraphs=paragraphs(version, "5"),
        status=Status.PENDING,
        actor=facilitator.user,
        waiting_for=[org_b, org_a],
    )
    call_command(
        "export_version", "--consultation", "wsis20", "--label", "Zero draft", "--format",
        "rolling",
    )  # fmt: skip
    text = capsys.readouterr().out
    assert "\nOP 6  [Agreed ad ref] " in text
    # Whose answer a pending paragraph waits for.
    assert "\nOP 5  [Pending: KEN, UPU] " in text
    assert "\nOP 7  [" not in text
