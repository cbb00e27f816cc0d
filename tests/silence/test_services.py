"""Putting a version under silence, extending and ending it, breaking it: each audited, each
refusal changing nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.silence.conftest import end_now
from wsis.audit.models import AuditEvent
from wsis.drafts.models import Version
from wsis.silence import services
from wsis.silence.models import Break, Silence
from wsis.silence.outcome import outcome

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def test_starting_silence_sets_the_version_and_is_audited(silence, version):
    version.refresh_from_db()
    assert version.silence_until == silence.deadline
    assert version.in_silence()
    assert "silence.started" in actions()


def test_a_second_silence_while_one_runs_is_refused(silence, version, facilitator):
    with pytest.raises(services.Refused, match="under silence already"):
        services.start(
            version, deadline=silence.deadline + timedelta(days=1), user=facilitator.user
        )
    assert Silence.objects.count() == 1


def test_a_deadline_in_the_past_is_refused(version, facilitator):
    with pytest.raises(services.Refused, match="passed already"):
        services.start(version, deadline=timezone.now() - timedelta(hours=1), user=facilitator.user)
    assert not Silence.objects.exists()
    version.refresh_from_db()
    assert version.silence_until is None


def test_a_version_in_preparation_cannot_go_under_silence(version, facilitator):
    Version.objects.filter(pk=version.pk).update(status=Version.Status.PREPARING)
    version.refresh_from_db()
    with pytest.raises(services.Refused, match="in preparation"):
        services.start(version, deadline=timezone.now() + timedelta(days=1), user=facilitator.user)


def test_extending_moves_both_deadlines_and_keeps_the_old_one_in_the_log(silence, facilitator):
    before = silence.deadline
    later = before + timedelta(hours=24)
    services.extend(silence, deadline=later, user=facilitator.user)
    silence.refresh_from_db()
    silence.version.refresh_from_db()
    assert silence.deadline == later == silence.version.silence_until
    event = AuditEvent.objects.get(action="silence.extended")
    assert event.data == {"before": before.isoformat(), "after": later.isoformat()}


def test_an_extension_must_end_later(silence, facilitator):
    with pytest.raises(services.Refused, match="after the current deadline"):
        services.extend(
            silence, deadline=silence.deadline - timedelta(hours=1), user=facilitator.user
        )


def test_ending_early_lifts_silence_and_keeps_the_breaks(silence, focal_a, org_a, facilitator):
    services.break_silence(
        silence,
        membership=focal_a.user.memberships.get(),
        paragraph=silence.version.paragraphs.get(label="26"),
        reason="No.",
    )
    services.end_early(silence, user=facilitator.user)
    silence.refresh_from_db()
    silence.version.refresh_from_db()
    assert silence.ended_early and not silence.is_running()
    assert not silence.version.in_silence()
    assert Break.objects.count() == 1
    assert "silence.ended_early" in actions()
    with pytest.raises(services.Refused, match="over"):
        services.end_early(silence, user=facilitator.user)


def test_a_focal_point_breaks_silence_once_per_paragraph(silence, focal_a):
    membership = focal_a.user.memberships.get()
    paragraph = silence.version.paragraphs.get(label="26")
    broken = services.break_silence(
        silence, membership=membership, paragraph=paragraph, reason="Too weak.", proposal="X."
    )
    assert (broken.organisation, broken.reason, broken.proposal) == (
        membership.organisation, "Too weak.", "X.",
    )  # fmt: skip
    event = AuditEvent.objects.get(action="silence.broken")
    assert event.organisation == membership.organisation
    with pytest.raises(services.Refused, match="already"):
        services.break_silence(silence, membership=membership, paragraph=paragraph, reason="Again")
    assert Break.objects.count() == 1


def test_silence_cannot_be_broken_after_the_deadline(silence, focal_a):
    end_now(silence)
    with pytest.raises(services.Refused, match="over"):
        services.break_silence(
            silence,
            membership=focal_a.user.memberships.get(),
            paragraph=silence.version.paragraphs.get(label="26"),
            reason="Late.",
        )
    assert not Break.objects.exists()


def test_a_paragraph_of_another_version_is_refused(silence, focal_a, consultation):
    from tests.conftest import ZERO_DRAFT, parsed
    from wsis.drafts.importer import import_draft

    other = import_draft(consultation, "Rev.1", parsed(ZERO_DRAFT))
    with pytest.raises(services.Refused, match="not in the version"):
        services.break_silence(
            silence,
            membership=focal_a.user.memberships.get(),
            paragraph=other.paragraphs.get(label="26"),
            reason="Wrong one.",
        )


def test_the_outcome_is_a_matrix_of_paragraphs_and_delegations(silence, focal_a, org_b, delegate_b):
    from tests.silence.conftest import broken_by

    a = focal_a.user.memberships.get().organisation
    broken_by(silence, focal_a.user, a, "44")
    broken_by(silence, delegate_b.user, org_b, "44")
    broken_by(silence, delegate_b.user, org_b, "26")
    found = outcome(silence)
    assert [o.acronym for o in found.organisations] == ["KEN", "UPU"]
    assert [(r.paragraph.label, [b is not None for b in r.breaks]) for r in found.rows] == [
        ("26", [False, True]),
        ("44", [True, True]),
    ]
    assert [(o.acronym, [p.label for p in ps]) for o, ps in found.by_delegation] == [
        ("KEN", ["44"]),
        ("UPU", ["26", "44"]),
    ]
    assert not found.held


def test_publishing_the_reasons_is_audited_once(silence, facilitator):
    services.publish_reasons(silence, published=True, user=facilitator.user)
    services.publish_reasons(silence, published=True, user=facilitator.user)
    silence.refresh_from_db()
    assert silence.reasons_published
    assert actions().count("silence.reasons_published") == 1


def test_the_front_page_is_saved_with_what_changed(version, facilitator):
    from datetime import date

    data = {
        "symbol": "A/80/L.41",
        "distribution": "limited",
        "document_date": date(2025, 12, 3),
        "original_language": "English",
    }
    assert services.set_front_page(version, data=data, user=facilitator.user) == list(data)
    assert services.set_front_page(version, data=data, user=facilitator.user) == []
    version.refresh_from_db()
    assert (version.symbol, version.get_distribution_display()) == ("A/80/L.41", "Limited")
    event = AuditEvent.objects.get(action="version.front_page_set")
    assert event.data["symbol"] == "A/80/L.41" and event.data["document_date"] == "2025-12-03"
