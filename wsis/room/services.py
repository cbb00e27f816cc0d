"""Readings: the only writers of readings, working wordings and their log, each change with its
audit event in the same transaction. After it commits, the room's new screen goes to every
reader (``wsis.room.live``).

Each function takes the reading under a row lock, so that two facilitators at two keyboards
change it one after the other, and refuses a closed reading with a message.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from wsis.audit.models import record
from wsis.drafts.models import Paragraph, Version
from wsis.negotiation.services import set_status, statuses_changed, take_snapshot
from wsis.room.live import hub
from wsis.room.models import MAX_SPAN, LogEntry, Reading, Wording
from wsis.room.screen import render_screen


def _broadcast(reading_id: int) -> None:
    reading = Reading.objects.select_related("version__consultation", "paragraph").get(
        pk=reading_id
    )
    hub.publish(reading.pk, reading.revision, render_screen(reading))


def _broadcast_after_commit(reading: Reading) -> None:
    # robust: readers missing one screen (Redis away) must not turn a saved change into an error.
    transaction.on_commit(lambda: _broadcast(reading.pk), robust=True)


def _changed(reading: Reading) -> None:
    """The reading changed: one more revision, and its screen out once the change commits."""
    reading.revision += 1
    reading.save(update_fields=["revision"])
    _broadcast_after_commit(reading)


def _locked(reading: Reading) -> Reading:
    locked = Reading.objects.select_for_update().select_related("paragraph").get(pk=reading.pk)
    if not locked.is_open:
        raise ValueError(_("This reading is closed: nothing was changed."))
    return locked


def _paragraph_of(reading: Reading, paragraph: Paragraph) -> Paragraph:
    if paragraph.version_id != reading.version_id:
        raise ValueError(_("That paragraph is not in %(label)s.") % {"label": reading.version})
    return paragraph


@transaction.atomic
def open_reading(version: Version, *, request) -> Reading:
    """The next reading of ``version`` (first, second…), its pen on the first paragraph."""
    Version.objects.select_for_update().get(pk=version.pk)
    if version.readings.filter(closed__isnull=True).exists():
        raise ValueError(_("A reading of this version is open already: close it first."))
    first = version.paragraphs.in_document_order().first()
    if first is None:
        raise ValueError(_("This version has no paragraph to read."))
    number = (version.readings.aggregate(last=Max("number"))["last"] or 0) + 1
    reading = Reading.objects.create(
        version=version, number=number, paragraph=first, opened_by=request.user
    )
    record("reading.opened", reading, request=request, version=version.label, number=number)
    # Kept as the newest screen, so that the room filling up costs no rendering per reader.
    _broadcast_after_commit(reading)
    return reading


@transaction.atomic
def close_reading(reading: Reading, *, request) -> Reading:
    reading = _locked(reading)
    reading.closed = timezone.now()
    reading.closed_by = request.user
    reading.save(update_fields=["closed", "closed_by"])
    record("reading.closed", reading, request=request, number=reading.number)
    # Where the text stood when the reading ended: a point of the convergence panel's chart.
    take_snapshot(reading.version, label=reading.after_name, actor=request.user, request=request)
    _changed(reading)
    return reading


@transaction.atomic
def move_to(reading: Reading, paragraph: Paragraph, *, span: int = 1, request) -> Reading:
    """Put the pen on ``paragraph``, showing ``span`` paragraphs from it."""
    reading = _locked(reading)
    paragraph = _paragraph_of(reading, paragraph)
    if not 1 <= span <= MAX_SPAN:
        raise ValueError(_("Show from 1 to %(most)s paragraphs at a time.") % {"most": MAX_SPAN})
    if reading.paragraph_id == paragraph.pk and reading.span == span:
        return reading
    before = reading.paragraph.display_label
    reading.paragraph, reading.span = paragraph, span
    reading.save(update_fields=["paragraph", "span"])
    record(
        "reading.moved",
        reading,
        request=request,
        before=before,
        after=paragraph.display_label,
        span=span,
    )
    _changed(reading)
    return reading


@transaction.atomic
def set_wording(
    reading: Reading, paragraph: Paragraph, text: str, *, previous: str, request
) -> LogEntry | None:
    """The paragraph's working wording in this reading becomes ``text`` (the version's own
    text is not touched). ``previous`` is the wording the facilitator started from: if another
    changed it meanwhile, nothing is saved and the caller shows both. None when unchanged."""
    reading = _locked(reading)
    paragraph = _paragraph_of(reading, paragraph)
    text = text.strip()
    if not text:
        raise ValueError(_("Type the working wording: it cannot be empty."))
    wording = Wording.objects.select_for_update().filter(reading=reading, paragraph=paragraph)
    current = wording.first()
    before = current.text if current else paragraph.text
    if text == before:
        return None
    if previous.strip() != before:
        raise ValueError(
            _(
                "Someone else changed this wording while you were typing: nothing was saved. "
                "Their wording is shown; your text is kept in the box."
            )
        )
    Wording.objects.update_or_create(reading=reading, paragraph=paragraph, defaults={"text": text})
    entry = LogEntry.objects.create(
        reading=reading,
        paragraph=paragraph,
        kind=LogEntry.Kind.WORDING,
        actor=request.user,
        before=before,
        after=text,
    )
    record("reading.wording", reading, request=request, paragraph=paragraph.display_label)
    _changed(reading)
    return entry


@transaction.atomic
def give_floor(
    reading: Reading, paragraph: Paragraph, *, organisation=None, speaker: str = "", request
) -> LogEntry:
    """Record who took the floor on ``paragraph``: an organisation, or anyone else by name."""
    reading = _locked(reading)
    paragraph = _paragraph_of(reading, paragraph)
    speaker = " ".join(speaker.split())
    if (organisation is None) == (not speaker):
        raise ValueError(_("Choose the organisation that took the floor, or type a name."))
    entry = LogEntry.objects.create(
        reading=reading,
        paragraph=paragraph,
        kind=LogEntry.Kind.FLOOR,
        actor=request.user,
        organisation=organisation,
        speaker="" if organisation else speaker,
    )
    record(
        "reading.floor",
        reading,
        request=request,
        organisation=organisation,
        paragraph=paragraph.display_label,
        speaker=entry.who_spoke,
    )
    _changed(reading)
    return entry


@transaction.atomic
def set_paragraph_status(
    reading: Reading, paragraph: Paragraph, status: str, *, waiting_for=(), note="", request
) -> LogEntry | None:
    """Set ``paragraph``'s status from the room (``wsis.negotiation.services.set_status``,
    which records its history and audit event), logged in the reading with the status before
    and after. None when the paragraph was already so."""
    reading = _locked(reading)
    paragraph = _paragraph_of(reading, paragraph)
    changes = set_status(
        paragraphs=[paragraph],
        status=status,
        actor=request.user,
        waiting_for=waiting_for,
        note=note,
        request=request,
    )
    if not changes:
        return None
    # The room's new screen goes out from ``_statuses_changed``, as for a status set elsewhere.
    return LogEntry.objects.create(
        reading=reading,
        paragraph=paragraph,
        kind=LogEntry.Kind.STATUS,
        actor=request.user,
        before=changes[0].before,
        after=changes[0].after,
    )


def _statuses_changed(sender, version_ids, **kwargs) -> None:
    """Statuses of these versions changed (in the room or on the status page): each open
    reading of them shows its screen again, with the new status."""
    for reading in Reading.objects.select_for_update().filter(
        version_id__in=version_ids, closed__isnull=True
    ):
        _changed(reading)


statuses_changed.connect(_statuses_changed, dispatch_uid="room.statuses_changed")
