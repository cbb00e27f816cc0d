"""Moderation and decisions: each changes entries, writes the audit log and queues mail.

Comment rounds and the consultation's settings are set here too, each with its audit event
in the same transaction.

Every function takes a list of entries (one for the buttons on a card, many for bulk
actions), applies the change to those it fits and reports the others as skipped with
the reason, so that a mixed selection does what it can and says what it did not.
Each change is told to the organisation's members (``notifications``) in the same
transaction; the mail goes out after it commits, batched per person.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from wsis.audit.models import record
from wsis.comments.models import Entry
from wsis.drafts.models import CommentRound, DeadlineExtension
from wsis.moderation import notifications

MODERATION_ACTIONS = {
    "publish": (Entry.Moderation.PUBLISHED, "entry.published"),
    "reject": (Entry.Moderation.REJECTED, "entry.rejected"),
    "hide": (Entry.Moderation.HIDDEN, "entry.hidden"),
}


@dataclass
class Outcome:
    changed: list[Entry] = field(default_factory=list)
    skipped: list[tuple[Entry, str]] = field(default_factory=list)


def _locked(entries) -> list[Entry]:
    """The same entries, re-read under a row lock so two facilitators do not cross."""
    pks = [entry.pk for entry in entries]
    return list(
        Entry.objects.filter(pk__in=pks)
        .select_for_update(of=("self",))
        .select_related("organisation", "paragraph")
        .order_by("pk")
    )


@transaction.atomic
def moderate(entries, action: str, *, reason: str = "", request) -> Outcome:
    """Publish, reject (a reason is required, the organisation reads it) or hide."""
    state, audit_action = MODERATION_ACTIONS[action]
    reason = reason.strip()
    if action == "reject" and not reason:
        raise ValueError(_("Give the reason for rejecting: the organisation will read it."))
    outcome = Outcome()
    for entry in _locked(entries):
        if entry.moderation == state and (action != "reject" or entry.moderation_reason == reason):
            outcome.skipped.append((entry, _("already %(state)s") % {"state": state.label}))
            continue
        before = entry.moderation
        entry.moderation = state
        entry.moderation_reason = reason if action in ("reject", "hide") else ""
        entry.save(update_fields=["moderation", "moderation_reason", "updated"])
        record(
            audit_action,
            entry,
            request=request,
            organisation=entry.organisation,
            before=before,
            reason=entry.moderation_reason,
        )
        outcome.changed.append(entry)
    notifications.tell(outcome.changed, audit_action)
    return outcome


@transaction.atomic
def decide(entries, decision: str, *, rationale: str = "", evidence: str = "", request) -> Outcome:
    """Record a decision on proposals; comments, rejected and hidden entries are skipped.

    ``rationale`` is what a person wrote, which the organisation reads; ``evidence`` is what the
    platform suggested the outcome from ("0 of the 11 words..."), kept in the audit log for the
    facilitators only. A decision needs one or the other."""
    decision = Entry.Decision(decision)
    rationale = rationale.strip()
    if decision != Entry.Decision.OPEN and not (rationale or evidence):
        raise ValueError(_("Give the rationale for the decision."))
    outcome = Outcome()
    for entry in _locked(entries):
        if not entry.is_proposal:
            outcome.skipped.append((entry, _("a comment takes no decision")))
        elif entry.moderation in (Entry.Moderation.REJECTED, Entry.Moderation.HIDDEN):
            why = _("%(state)s entries take no decision")
            outcome.skipped.append((entry, why % {"state": entry.get_moderation_display()}))
        elif entry.decision == decision and entry.decision_rationale == rationale:
            outcome.skipped.append((entry, _("already decided so")))
        else:
            before = entry.decision
            entry.decision = decision
            entry.decision_rationale = rationale
            entry.save(update_fields=["decision", "decision_rationale", "updated"])
            record(
                "entry.decided",
                entry,
                request=request,
                organisation=entry.organisation,
                before=before,
                decision=decision.value,
                rationale=rationale,
                **({"evidence": evidence} if evidence else {}),
            )
            outcome.changed.append(entry)
    notifications.tell(outcome.changed, "entry.decided")
    return outcome


@transaction.atomic
def mark_duplicate(entry: Entry, original: Entry | None, *, request) -> Outcome:
    """Mark ``entry`` as a duplicate of ``original`` (None clears the mark)."""
    (entry,) = _locked([entry])
    if original is not None:
        if original.pk == entry.pk:
            raise ValueError(_("An entry cannot duplicate itself."))
        if original.version_id != entry.version_id:
            raise ValueError(_("The original must be an entry on the same version."))
        if original.duplicate_of_id == entry.pk:
            raise ValueError(
                _("#%(pk)s is already marked as a duplicate of this one.") % {"pk": original.pk}
            )
    outcome = Outcome()
    new_pk = original.pk if original is not None else None
    if entry.duplicate_of_id == new_pk:
        outcome.skipped.append((entry, _("no change")))
        return outcome
    before = entry.duplicate_of_id
    entry.duplicate_of = original
    entry.save(update_fields=["duplicate_of", "updated"])
    record(
        "entry.marked_duplicate",
        entry,
        request=request,
        organisation=entry.organisation,
        before=before,
        duplicate_of=new_pk,
    )
    outcome.changed.append(entry)
    notifications.tell(outcome.changed, "entry.marked_duplicate")
    return outcome


@transaction.atomic
def set_round(version, *, opens_at, closes_at, request) -> CommentRound:
    """Set the times of ``version``'s comment round, made if it has none.

    Precondition: ``closes_at`` is after ``opens_at`` (``RoundForm`` says so to the
    facilitator; the database refuses it otherwise).
    """
    comment_round, _created = CommentRound.objects.update_or_create(
        version=version, defaults={"opens_at": opens_at, "closes_at": closes_at}
    )
    record(
        "round.updated",
        comment_round,
        request=request,
        opens_at=comment_round.opens_at.isoformat(),
        closes_at=comment_round.closes_at.isoformat(),
    )
    return comment_round


@transaction.atomic
def extend_deadline(comment_round, organisation, *, closes_at, request) -> DeadlineExtension:
    """Let ``organisation`` write until ``closes_at``, replacing an extension it had."""
    extension, _created = DeadlineExtension.objects.update_or_create(
        round=comment_round, organisation=organisation, defaults={"closes_at": closes_at}
    )
    record(
        "round.extended",
        extension,
        request=request,
        organisation=organisation,
        closes_at=extension.closes_at.isoformat(),
    )
    return extension


@transaction.atomic
def change_settings(consultation, *, publish_immediately: bool, request) -> None:
    """Whether submissions are published at once or held for review."""
    consultation.publish_immediately = publish_immediately
    consultation.save(update_fields=["publish_immediately"])
    record(
        "consultation.settings_changed",
        consultation,
        request=request,
        publish_immediately=consultation.publish_immediately,
    )


@transaction.atomic
def decide_each(choices: dict[Entry, tuple[str, str, str]], *, request) -> int:
    """Record, in one transaction, the (decision, rationale, evidence) chosen for each entry,
    as ``decide`` does for those on the dashboard; the number of entries changed."""
    by_choice = defaultdict(list)
    for entry, choice in choices.items():
        by_choice[choice].append(entry)
    return sum(
        len(
            decide(
                chosen, decision, rationale=rationale, evidence=evidence, request=request
            ).changed
        )
        for (decision, rationale, evidence), chosen in by_choice.items()
    )
