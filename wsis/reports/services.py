"""Asking for a report: reuse an identical one, or record a job and hand it to the broker."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wsis.audit.models import record
from wsis.reports.compilation import Options, input_hash
from wsis.reports.ledger import ledger_hash, ledger_options
from wsis.reports.models import ReportJob
from wsis.reports.rolling import rolling_hash, rolling_options
from wsis.reports.silence import letter_hash, letter_options
from wsis.stakeholders.models import Organisation
from wsis.throttle import ROW_LOCK, LimitReached, lock_person


@dataclass
class Asked:
    job: ReportJob
    reused: bool  # an identical report exists or is on its way
    sent: bool  # handed to the broker (False: it will run once the broker is back)


def _hold_queue_room(user, organisation) -> None:
    """Refuse (LimitReached) a job beyond the person's or the organisation's share of the queue.

    Call inside the transaction that creates the job: the person's row, then the
    organisation's, are locked so that requests racing each other are counted one by one.
    """
    lock_person(user)
    since = timezone.now() - timedelta(hours=settings.REPORT_JOBS_COUNTED_HOURS)
    waiting = ReportJob.objects.filter(
        state__in=[ReportJob.State.QUEUED, ReportJob.State.RENDERING], created__gte=since
    )
    limit = settings.REPORT_JOBS_PER_PERSON
    if waiting.filter(requested_by=user).count() >= limit:
        raise LimitReached(
            _(
                "You already have %(count)d reports on their way: ask for another one once "
                "one of them is done."
            )
            % {"count": limit}
        )
    if organisation is None:
        return
    Organisation.objects.select_for_update(**ROW_LOCK).only("pk").get(pk=organisation.pk)
    limit = settings.REPORT_JOBS_PER_ORGANISATION
    if waiting.filter(organisation=organisation).count() >= limit:
        raise LimitReached(
            _(
                "%(organisation)s already has %(count)d reports on their way: ask for another "
                "one once one of them is done."
            )
            % {"organisation": organisation.name, "count": limit}
        )


def ask_for_report(
    *, user, version, kind, fmt, organisation=None, options: Options, language, request=None
) -> Asked:
    """Reuse an identical report, or record a new job and send it; LimitReached if the
    asker's share of the queue is spent (nothing is recorded then)."""
    fingerprint = input_hash(kind, fmt, version, options, organisation, language)
    return _ask(
        user=user,
        version=version,
        kind=kind,
        fmt=fmt,
        organisation=organisation,
        options=options.as_dict(),
        language=language,
        fingerprint=fingerprint,
        request=request,
    )


def ask_for_ledger(*, user, consultation, organisation, as_facilitator, language, request=None):
    """The ledger of ``organisation`` as a PDF, as ``user`` reads it on the ledger page
    (``as_facilitator``: with what facilitators hid); reused or recorded as ``ask_for_report``.
    None when the consultation has no published version yet."""
    version = consultation.current_version()
    if version is None:
        return None
    options = ledger_options(as_facilitator)
    return _ask(
        user=user,
        version=version,
        kind=ReportJob.Kind.LEDGER,
        fmt=ReportJob.Format.PDF,
        organisation=organisation,
        options=options,
        language=language,
        fingerprint=ledger_hash(version, organisation, options, language),
        request=request,
    )


def ask_for_rolling(*, user, version, fmt, with_pending, language, request=None) -> Asked:
    """The rolling text of ``version`` as a PDF or DOCX (``with_pending``: with the proposals
    pending moderation, for facilitators); reused or recorded as ``ask_for_report``."""
    options = rolling_options(with_pending)
    return _ask(
        user=user,
        version=version,
        kind=ReportJob.Kind.ROLLING,
        fmt=fmt,
        organisation=None,
        options=options,
        language=language,
        fingerprint=rolling_hash(version, options, fmt, language),
        request=request,
    )


def ask_for_silence_letter(*, user, silence, fmt, language, request=None) -> Asked:
    """The draft letter on ``silence`` as a PDF or DOCX; reused or recorded as
    ``ask_for_report``."""
    return _ask(
        user=user,
        version=silence.version,
        kind=ReportJob.Kind.SILENCE,
        fmt=fmt,
        organisation=None,
        options=letter_options(silence),
        language=language,
        fingerprint=letter_hash(silence, fmt, language),
        request=request,
    )


def _ask(
    *, user, version, kind, fmt, organisation, options: dict, language, fingerprint, request
) -> Asked:
    with transaction.atomic():
        existing = ReportJob.objects.reusable(fingerprint).order_by("-created").first()
        done = existing is not None and existing.state == ReportJob.State.DONE
        if existing is not None and (not done or existing.path.exists()):
            return Asked(existing, reused=True, sent=existing.enqueued is not None)
        _hold_queue_room(user, organisation)
        job = ReportJob.objects.create(
            requested_by=user,
            version=version,
            organisation=organisation,
            kind=kind,
            format=fmt,
            options=options,
            language=language,
            input_hash=fingerprint,
        )
        record(
            "report.asked",
            job,
            actor=user,
            organisation=organisation,
            request=request,
            kind=kind,
            format=fmt,
        )
    # After the commit, so that the worker finds the row.
    from wsis.reports.tasks import enqueue

    sent = enqueue(job)
    return Asked(job, reused=False, sent=sent)
