"""Paragraph statuses and convergence snapshots: the only writers of this app's models, each
change with its history row and its audit event in the same transaction.

The live room (``wsis.room``) calls ``set_status`` as the facilitator holds the pen, and
``take_snapshot`` when a reading closes; it hears of statuses set anywhere else (the status
page, a paragraph's page) through ``statuses_changed``, which this app sends without knowing
who listens (the room is above it).
"""

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from wsis import cache
from wsis.audit.models import record
from wsis.drafts.models import Paragraph
from wsis.negotiation.convergence import convergence
from wsis.negotiation.models import (
    ConvergenceSnapshot,
    ParagraphStatus,
    StatusChange,
    status_scope,
    statuses,  # noqa: F401 - the room reads it from here
)

Status = ParagraphStatus.Status

# Sent inside the transaction of a change of statuses, with ``version_ids``.
statuses_changed = Signal()


def _renew(version_ids) -> None:
    scopes = [status_scope(pk) for pk in version_ids]
    # Now, for the rest of this transaction; and once committed, as a page rendered meanwhile
    # may have cached what was committed before.
    cache.renew(*scopes)
    transaction.on_commit(lambda: cache.renew(*scopes))


@transaction.atomic
def set_status(
    *,
    paragraphs,
    status,
    actor,
    waiting_for=(),
    note: str = "",
    package: str | None = None,
    request=None,
) -> list[StatusChange]:
    """Set the status of ``paragraphs`` (one, or many in bulk); returns the changes made.

    ``waiting_for`` (organisations) is required for ``pending`` and cleared by any other
    status. ``package`` names the package the paragraphs were agreed as ("" takes them out of
    one; None leaves it as it is). Paragraphs already so are left alone and not in the result.
    Raises ``ValueError`` with a message for the facilitator when the input does not fit.
    """
    try:
        status = Status(status)
    except ValueError:
        raise ValueError(_("Choose a status.")) from None
    waiting_for = sorted(set(waiting_for), key=lambda organisation: organisation.acronym)
    if status == Status.PENDING and not waiting_for:
        raise ValueError(_("Name the delegations a pending paragraph waits for."))
    if status != Status.PENDING:
        waiting_for = []
    note = note.strip()
    package = package.strip() if package is not None else None
    # Locked in a fixed order, so that two facilitators (or the room and the bulk page) setting
    # overlapping paragraphs wait for each other instead of crossing.
    locked = list(
        Paragraph.objects.filter(pk__in=[p.pk for p in paragraphs])
        .select_for_update()
        .select_related("version")
        .order_by("pk")
    )
    if not locked:
        raise ValueError(_("Choose at least one paragraph."))
    current = {
        row.paragraph_id: row
        for row in ParagraphStatus.objects.filter(paragraph__in=locked).prefetch_related(
            "waiting_for"
        )
    }
    changes = []
    for paragraph in locked:
        row = current.get(paragraph.pk) or ParagraphStatus(paragraph=paragraph)
        before = row.status
        before_waiting = sorted(o.acronym for o in row.waiting_for.all()) if row.pk else []
        after_package = row.package if package is None else package
        acronyms = [organisation.acronym for organisation in waiting_for]
        if (before, before_waiting, row.package) == (status, acronyms, after_package):
            continue
        row.status, row.package, row.updated_by = status, after_package, actor
        row.save()
        row.waiting_for.set(waiting_for)
        change = StatusChange.objects.create(
            paragraph=paragraph,
            actor=actor if actor is not None and actor.is_authenticated else None,
            before=before,
            after=status,
            waiting_for=acronyms,
            package=after_package,
            note=note,
        )
        record(
            "paragraph.status",
            paragraph,
            actor=actor,
            request=request,
            before=before,
            after=status.value,
            waiting_for=acronyms,
            package=after_package,
            note=note,
        )
        changes.append(change)
    if changes:
        version_ids = {paragraph.version_id for paragraph in locked}
        _renew(version_ids)
        statuses_changed.send(sender=ParagraphStatus, version_ids=version_ids)
    return changes


@transaction.atomic
def take_snapshot(version, *, label: str, actor, request=None) -> ConvergenceSnapshot:
    """Record the version's convergence counts now, under ``label`` ("After the first
    reading")."""
    label = label.strip()
    if not label:
        raise ValueError(_("Name the snapshot (for example “After the first reading”)."))
    total = convergence(version).total
    snapshot = ConvergenceSnapshot.objects.create(
        version=version,
        label=label,
        actor=actor if actor is not None and actor.is_authenticated else None,
        paragraphs=total.paragraphs,
        agreed=total.agreed,
        informals=total.informals,
        brackets=total.brackets,
        alternatives=total.alternatives,
    )
    record("version.convergence_snapshot", version, actor=actor, request=request, label=label)
    _renew([version.pk])
    return snapshot
