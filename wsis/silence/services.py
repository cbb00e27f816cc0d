"""Every change to a silence procedure and to a version's front page, audited in its transaction.

Preconditions are the views' (``wsis.silence.access``): a facilitator through the gate for the
procedure and the front page, a focal point of an accredited organisation for a break. What can
only be known inside the transaction (a silence running, a deadline passed) is checked here,
with the version's or the procedure's row locked, and refused with ``Refused``.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wsis.audit.models import record
from wsis.drafts.models import Version
from wsis.silence.models import Break, Silence

FRONT_PAGE_FIELDS = ("symbol", "distribution", "document_date", "original_language")


class Refused(Exception):
    """The change cannot be made as asked; the message says why, and nothing was changed."""


def _lock_version(version) -> Version:
    return Version.objects.select_for_update().get(pk=version.pk)


def _lock_running(silence, now) -> Silence:
    locked = Silence.objects.select_for_update().select_related("version").get(pk=silence.pk)
    if not locked.is_running(now):
        raise Refused(_("This silence procedure is over: nothing was changed."))
    return locked


def _mirror(version_id: int, until) -> None:
    """What the comment services check: see ``Version.silence_until``."""
    Version.objects.filter(pk=version_id).update(silence_until=until)


@transaction.atomic
def start(version, *, deadline, user, request=None) -> Silence:
    """Put ``version`` under silence until ``deadline`` (aware, in the future)."""
    locked = _lock_version(version)
    now = timezone.now()
    if locked.is_preparing:
        raise Refused(_("A version in preparation cannot go under silence: publish it first."))
    if deadline <= now:
        raise Refused(_("The deadline has passed already: choose a later one."))
    if locked.in_silence(now):
        raise Refused(_("This version is under silence already: extend that silence instead."))
    silence = Silence.objects.create(version=locked, deadline=deadline, started_by=user)
    _mirror(locked.pk, deadline)
    record("silence.started", silence, actor=user, request=request, deadline=deadline.isoformat())
    return silence


@transaction.atomic
def extend(silence, *, deadline, user, request=None) -> Silence:
    """Move a running silence's deadline later."""
    locked = _lock_running(silence, timezone.now())
    if deadline <= locked.deadline:
        raise Refused(_("An extension ends after the current deadline: choose a later one."))
    before = locked.deadline
    locked.deadline = deadline
    locked.save(update_fields=["deadline"])
    _mirror(locked.version_id, deadline)
    record(
        "silence.extended",
        locked,
        actor=user,
        request=request,
        before=before.isoformat(),
        after=deadline.isoformat(),
    )
    return locked


@transaction.atomic
def end_early(silence, *, user, request=None) -> Silence:
    """End a running silence now: what was broken until now stays broken."""
    now = timezone.now()
    locked = _lock_running(silence, now)
    before = locked.deadline
    locked.deadline, locked.ended_early = now, True
    locked.save(update_fields=["deadline", "ended_early"])
    _mirror(locked.version_id, now)
    record("silence.ended_early", locked, actor=user, request=request, before=before.isoformat())
    return locked


@transaction.atomic
def publish_reasons(silence, *, published: bool, user, request=None) -> Silence:
    locked = Silence.objects.select_for_update().get(pk=silence.pk)
    if locked.reasons_published == published:
        return locked
    locked.reasons_published = published
    locked.save(update_fields=["reasons_published"])
    action = "silence.reasons_published" if published else "silence.reasons_unpublished"
    record(action, locked, actor=user, request=request)
    return locked


@transaction.atomic
def break_silence(silence, *, membership, paragraph, reason, proposal="", request=None) -> Break:
    """``membership``'s organisation breaks silence on ``paragraph`` (of the silenced version),
    before the deadline; once per paragraph and organisation."""
    locked = _lock_running(silence, timezone.now())
    if paragraph.version_id != locked.version_id:
        raise Refused(_("That paragraph is not in the version under silence."))
    try:
        with transaction.atomic():
            broken = Break.objects.create(
                silence=locked,
                paragraph=paragraph,
                organisation=membership.organisation,
                author=membership.user,
                reason=reason,
                proposal=proposal,
            )
    except IntegrityError:
        raise Refused(
            _("%(organisation)s has broken silence on %(label)s already.")
            % {"organisation": membership.organisation.name, "label": paragraph.display_label}
        ) from None
    record(
        "silence.broken",
        broken,
        actor=membership.user,
        organisation=membership.organisation,
        request=request,
        silence=locked.pk,
        paragraph=paragraph.pk,
        with_proposal=bool(proposal),
    )
    return broken


@transaction.atomic
def set_front_page(version, *, data: dict, user, request=None) -> list[str]:
    """The version's header block (``FRONT_PAGE_FIELDS`` from ``data``); the fields changed."""
    locked = _lock_version(version)
    changed = [name for name in FRONT_PAGE_FIELDS if getattr(locked, name) != data[name]]
    if not changed:
        return []
    for name in changed:
        setattr(locked, name, data[name])
    locked.save(update_fields=changed)
    record(
        "version.front_page_set",
        locked,
        actor=user,
        request=request,
        **{name: str(data[name] or "") for name in changed},
    )
    return changed
