"""Every change to an entry: each writes the entry and its audit event in one transaction.

Deadlines are checked here, inside the transaction of the write, never only in a view.
While a silence procedure runs on the version (``Version.silence_until``, which
``wsis.silence`` sets) every write is refused with ``InSilence`` and nothing is written.
A write the round refuses still keeps what was typed as a draft of the organisation, and
leaves an ``entry.refused_late`` event for the facilitators' dashboard.
"""

import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wsis.audit.models import record
from wsis.comments.carry import carry_targets, left_behind_target
from wsis.comments.markup import already_there
from wsis.comments.models import Entry, MarkupImport, Support
from wsis.drafts.models import CommentRound, Version
from wsis.throttle import ROW_LOCK, hold_allowance

CREATED, UPDATED, UNCHANGED, DUPLICATE, LATE, DONE, ALREADY = (
    "created", "updated", "unchanged", "duplicate", "late", "done", "already",
)  # fmt: skip


class Conflict(Exception):
    """Someone saved the draft since this form was opened; ``current`` is what they saved."""

    def __init__(self, current: Entry):
        super().__init__("stale revision")
        self.current = current


class NotAllowed(Exception):
    pass


class InSilence(Exception):
    """The version is under silence until ``until``: nothing is accepted on it until then."""

    def __init__(self, until):
        super().__init__("under silence")
        self.until = until


def refuse_in_silence(version_id: int) -> None:
    """Raise InSilence while a silence procedure runs on the version. Call inside the
    transaction of the write it guards, before writing: the version as it is now."""
    until = Version.objects.filter(pk=version_id).values_list("silence_until", flat=True).first()
    if until is not None and timezone.now() < until:
        raise InSilence(until)


def round_is_open(version_id: int, organisation) -> bool:
    """Call inside the transaction of the write it guards: the round as it is now, read from
    the database, under ``CommentRound.is_open_for``'s rule. Raises InSilence while a silence
    procedure runs on the version, which rolls the write back: nothing is written then."""
    found = CommentRound.objects.select_related("version").filter(version_id=version_id).first()
    if found is None:
        refuse_in_silence(version_id)
        return False
    if found.version.in_silence():
        raise InSilence(found.version.silence_until)
    return found.is_open_for(organisation)


def _record(action: str, entry: Entry, membership, request, **data) -> None:
    """An entry's audit event, done by ``membership`` for its organisation."""
    record(
        action,
        entry,
        actor=membership.user,
        organisation=membership.organisation,
        request=request,
        **data,
    )


def _refused_late(entry, membership, request, attempted: str) -> str:
    _record("entry.refused_late", entry, membership, request, attempted=attempted)
    return LATE


@transaction.atomic
def create_draft(*, paragraph, membership, data: dict, request=None) -> tuple[Entry, str]:
    """A new draft; the form's token makes a resent form return the first entry.

    Raises LimitReached, and creates nothing, once the author's allowance of new drafts is
    spent (``DRAFTS_PER_HOUR``, ``DRAFTS_PER_DAY``): a resent form is not a new draft.
    """
    token = data.get("form_token") or uuid.uuid4()
    if not Entry.objects.filter(form_token=token).exists():
        hold_allowance(
            membership.user,
            Entry.objects.filter(author=membership.user),
            per_hour=settings.DRAFTS_PER_HOUR,
            per_day=settings.DRAFTS_PER_DAY,
            message=_(
                "You have created as many drafts as one person may in an hour "
                "(%(hour)d) or a day (%(day)d): nothing was saved. Edit an existing draft, "
                "or try again later."
            )
            % {"hour": settings.DRAFTS_PER_HOUR, "day": settings.DRAFTS_PER_DAY},
        )
    entry = Entry(
        version_id=paragraph.version_id,
        paragraph=paragraph,
        organisation=membership.organisation,
        author=membership.user,
        kind=data["kind"],
        text=data.get("text", ""),
        proposed_text=data.get("proposed_text", ""),
        form_token=token,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        # The token was used: a double click, a resent form, or two requests racing.
        existing = Entry.objects.get(form_token=token)
        if existing.organisation_id != membership.organisation_id:
            raise NotAllowed("token of another organisation") from None
        return existing, DUPLICATE
    _record("entry.created", entry, membership, request, kind=entry.kind, paragraph=paragraph.pk)
    if not round_is_open(paragraph.version_id, membership.organisation):
        return entry, _refused_late(entry, membership, request, "create")
    return entry, CREATED


@transaction.atomic
def update_draft(entry: Entry, *, membership, data: dict, request=None) -> tuple[Entry, str]:
    """Save a draft that was opened at ``data["revision"]``; raise Conflict if it is stale."""
    locked = (
        Entry.objects.select_for_update(**ROW_LOCK).select_related("paragraph").get(pk=entry.pk)
    )
    if locked.status != Entry.Status.DRAFT:
        raise NotAllowed("not a draft")
    fields = {k: data.get(k, "") for k in ("kind", "text", "proposed_text")}
    if all(getattr(locked, k) == v for k, v in fields.items()):
        return locked, UNCHANGED
    if data.get("revision") != locked.revision:
        raise Conflict(locked)
    for key, value in fields.items():
        setattr(locked, key, value)
    locked.revision += 1
    locked.save(update_fields=[*fields, "revision", "updated"])
    _record("entry.updated", locked, membership, request, revision=locked.revision)
    if not round_is_open(locked.version_id, membership.organisation):
        return locked, _refused_late(locked, membership, request, "update")
    return locked, UPDATED


def _mark_submitted(entry: Entry, consultation, now) -> None:
    entry.status = Entry.Status.SUBMITTED
    entry.submitted_at = now
    entry.moderation = (
        Entry.Moderation.PUBLISHED if consultation.publish_immediately else Entry.Moderation.PENDING
    )
    entry.revision += 1
    entry.save(update_fields=["status", "submitted_at", "moderation", "revision", "updated"])


@transaction.atomic
def submit(entry: Entry, *, membership, request=None) -> str:
    """Precondition: ``membership`` is the focal point of the entry's organisation."""
    locked = (
        Entry.objects.select_for_update(**ROW_LOCK)
        .select_related("version__consultation")
        .get(pk=entry.pk)
    )
    if locked.status == Entry.Status.SUBMITTED:
        return ALREADY
    if locked.status != Entry.Status.DRAFT:
        raise NotAllowed("withdrawn")
    if not round_is_open(locked.version_id, membership.organisation):
        return _refused_late(locked, membership, request, "submit")
    _mark_submitted(locked, locked.version.consultation, timezone.now())
    _record("entry.submitted", locked, membership, request, moderation=locked.moderation)
    return DONE


def drafts_to_submit(version, organisation):
    return Entry.objects.filter(
        version=version, organisation=organisation, status=Entry.Status.DRAFT
    ).for_panel()


@transaction.atomic
def submit_all(version, *, membership, entry_ids, request=None) -> tuple[list[Entry], str]:
    """Submit exactly the drafts the focal point confirmed, not ones added since."""
    drafts = list(
        drafts_to_submit(version, membership.organisation)
        .filter(pk__in=entry_ids)
        .select_for_update(**ROW_LOCK)
    )
    if not drafts:
        return [], ALREADY
    if not round_is_open(version.pk, membership.organisation):
        for entry in drafts:
            _refused_late(entry, membership, request, "submit_all")
        return drafts, LATE
    now = timezone.now()
    for entry in drafts:
        _mark_submitted(entry, version.consultation, now)
        _record(
            "entry.submitted", entry, membership, request, moderation=entry.moderation, batch=True
        )
    return drafts, DONE


@transaction.atomic
def withdraw(entry: Entry, *, membership, request=None) -> str:
    """Kept and marked withdrawn: the record of what was submitted stays."""
    locked = Entry.objects.select_for_update(**ROW_LOCK).get(pk=entry.pk)
    if locked.status == Entry.Status.WITHDRAWN:
        return ALREADY
    if locked.status != Entry.Status.SUBMITTED:
        raise NotAllowed("not submitted")
    if not round_is_open(locked.version_id, membership.organisation):
        return _refused_late(locked, membership, request, "withdraw")
    locked.status = Entry.Status.WITHDRAWN
    locked.revision += 1
    locked.save(update_fields=["status", "revision", "updated"])
    _record("entry.withdrawn", locked, membership, request)
    return DONE


@transaction.atomic
def support(entry: Entry, *, membership, request=None) -> str:
    """Precondition: another organisation's submitted proposal, and a focal point."""
    if not round_is_open(entry.version_id, membership.organisation):
        return _refused_late(entry, membership, request, "support")
    _, created = Support.objects.get_or_create(
        entry=entry, organisation=membership.organisation, defaults={"user": membership.user}
    )
    if not created:
        return ALREADY
    _record("entry.supported", entry, membership, request)
    return DONE


@transaction.atomic
def withdraw_support(entry: Entry, *, membership, request=None) -> str:
    """Precondition as for ``support``. While the round is open an organisation may change its
    mind; the audit log keeps that it supported the proposal and when it stopped."""
    if not round_is_open(entry.version_id, membership.organisation):
        return _refused_late(entry, membership, request, "withdraw_support")
    deleted, _ = Support.objects.filter(entry=entry, organisation=membership.organisation).delete()
    if not deleted:
        return ALREADY
    _record("entry.support_withdrawn", entry, membership, request)
    return DONE


@transaction.atomic
def delete_draft(entry: Entry, *, membership, request=None) -> str:
    """Delete a draft for good, and audit what it was (its text is not kept: it was never
    submitted). Precondition: ``membership`` is its author's or the organisation's focal point.

    Submitted and withdrawn entries are never deleted (they are withdrawn instead), and neither
    is a draft another organisation supports (supports are only given to submissions, so that
    would be a draft that was once submitted).
    """
    locked = Entry.objects.select_for_update(**ROW_LOCK).filter(pk=entry.pk).first()
    if locked is None:
        return ALREADY
    if locked.status != Entry.Status.DRAFT or locked.supports.exists():
        raise NotAllowed("not a draft")
    _record(
        "entry.deleted",
        locked,
        membership,
        request,
        kind=locked.kind,
        paragraph=locked.paragraph_id,
        version=locked.version_id,
        text_length=len(locked.text) + len(locked.proposed_text),
    )
    locked.delete()
    return DONE


@transaction.atomic
def carry_draft(entry: Entry, *, membership, paragraph, request=None) -> tuple[Entry, str]:
    """Move a draft left on a superseded version to ``paragraph`` of the consultation's current
    open version, which must be one its own paragraph became (``carry.carry_targets``).

    The draft's revision bumps, so a form opened on the old paragraph is stale.
    """
    locked = (
        Entry.objects.select_for_update(**ROW_LOCK)
        .select_related("version__consultation")
        .get(pk=entry.pk)
    )
    if locked.status != Entry.Status.DRAFT:
        raise NotAllowed("not a draft")
    current = left_behind_target(locked)
    if current is None or paragraph.version_id != current.pk:
        raise NotAllowed("not left behind")
    if paragraph.pk not in {p.pk for p in carry_targets(locked, current)}:
        raise NotAllowed("not a continuation")
    refuse_in_silence(current.pk)
    origin = (locked.version_id, locked.paragraph_id)
    locked.version_id, locked.paragraph = current.pk, paragraph
    locked.revision += 1
    locked.save(update_fields=["version", "paragraph", "revision", "updated"])
    _record(
        "entry.carried",
        locked,
        membership,
        request,
        from_version=origin[0],
        from_paragraph=origin[1],
        to_version=current.pk,
        to_paragraph=paragraph.pk,
        revision=locked.revision,
    )
    return locked, DONE


@transaction.atomic
def import_markup(
    version, proposals, *, organisation, author, source: dict, operator=False, request=None
) -> tuple[list[Entry], str]:
    """The proposals chosen from a marked-up copy (``wsis.comments.markup``), as drafts of
    ``organisation`` by ``author``, each marked as imported from the file ``source``
    (``filename``, ``sha256``). ``operator``: imported from the command line on the
    organisation's behalf, not uploaded by ``author``.

    Precondition: each proposal's paragraph is one of ``version`` (the caller read them from
    it). Proposals the organisation has made already (the same file uploaded twice) are left
    out. No allowance of drafts per hour is spent: one file is one action, and its size is
    bounded. As for ``create_draft``, a closed round keeps the drafts and says so (LATE).
    """
    made = already_there(version, organisation, proposals)
    batch = MarkupImport.objects.create(
        version=version,
        organisation=organisation,
        uploaded_by=None if operator else author,
        filename=source["filename"][:255],
        sha256=source["sha256"],
    )
    paragraphs = version.paragraphs.in_bulk([p.paragraph for p in proposals])
    actor = None if operator else author
    entries = []
    for index, proposal in enumerate(proposals):
        if index in made:
            continue
        entry = Entry.objects.create(
            version=version,
            paragraph=paragraphs[proposal.paragraph],
            organisation=organisation,
            author=author,
            kind=proposal.kind,
            text=proposal.text,
            proposed_text=proposal.proposed_text,
            imported_from=batch,
        )
        entries.append(entry)
        record(
            "entry.created", entry, actor=actor, organisation=organisation, request=request,
            kind=entry.kind, paragraph=entry.paragraph_id, imported_from=batch.pk,
        )  # fmt: skip
    record(
        "markup.imported", batch, actor=actor, organisation=organisation, request=request,
        filename=batch.filename, sha256=batch.sha256, entries=[e.pk for e in entries],
        skipped=len(made), operator=operator,
    )  # fmt: skip
    if not round_is_open(version.pk, organisation):
        for entry in entries:
            record(
                "entry.refused_late", entry, actor=actor, organisation=organisation,
                request=request, attempted="import",
            )  # fmt: skip
        return entries, LATE
    return entries, CREATED
