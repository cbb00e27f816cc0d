"""Asking for a report: reuse an identical one, or record a job and hand it to the broker."""

from dataclasses import dataclass

from django.db import transaction

from wsis.audit.models import record
from wsis.reports.compilation import Options, input_hash
from wsis.reports.models import ReportJob


@dataclass
class Asked:
    job: ReportJob
    reused: bool  # an identical report exists or is on its way
    sent: bool  # handed to the broker (False: it will run once the broker is back)


def ask_for_report(
    *, user, version, kind, fmt, organisation=None, options: Options, language, request=None
) -> Asked:
    fingerprint = input_hash(kind, fmt, version, options, organisation, language)
    with transaction.atomic():
        existing = ReportJob.objects.reusable(fingerprint).order_by("-created").first()
        done = existing is not None and existing.state == ReportJob.State.DONE
        if existing is not None and (not done or existing.path.exists()):
            return Asked(existing, reused=True, sent=existing.enqueued is not None)
        job = ReportJob.objects.create(
            requested_by=user,
            version=version,
            organisation=organisation,
            kind=kind,
            format=fmt,
            options=options.as_dict(),
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
