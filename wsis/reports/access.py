"""Who may ask for and download which report.

A facilitator of the consultation: any report, once through the facilitator gate (a
facilitator who has not confirmed a second factor is sent to do so). A focal point of an
organisation accredited to it: their own organisation's submission, nothing else. Everyone
else: nothing. Downloads go through the same check.

An organisation's ledger is read by the people who may read its ledger page
(``get_ledger_organisation``): any member, not only a focal point, and a member never gets a
ledger asked for by a facilitator, which holds what facilitators hid.

The rolling text is public on screen; as a file it is asked for through the queue, so by
the people who take part: facilitators (with the proposals pending moderation if they wish)
and the members of any organisation accredited to the consultation (published proposals only).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from wsis.comments.ledger import get_ledger_organisation
from wsis.reports.models import ReportJob
from wsis.stakeholders.access import participating_membership, require_facilitator
from wsis.stakeholders.models import Organisation


def report_scope(request: HttpRequest, version) -> Organisation | None:
    """None for a facilitator (everything); the organisation a focal point may compile."""
    if version.consultation.is_facilitator(request.user):
        require_facilitator(request, version.consultation)
        return None
    membership = participating_membership(request, version.consultation)
    if membership is not None and membership.is_focal_point:
        return membership.organisation
    raise PermissionDenied


def may_ask_for_rolling(request: HttpRequest, version, with_pending: bool) -> None:
    """PermissionDenied unless the user may have the rolling text of ``version`` as a file."""
    consultation = version.consultation
    if consultation.is_facilitator(request.user):
        require_facilitator(request, consultation)
        return
    if with_pending or participating_membership(request, consultation) is None:
        raise PermissionDenied


def get_job(request: HttpRequest, pk: int) -> ReportJob:
    job = (
        ReportJob.objects.select_related(
            "version__consultation", "organisation__group", "requested_by"
        )
        .filter(pk=pk)
        .first()
    )
    if job is None or not job.version.is_visible_to(request.user):
        raise Http404
    if job.kind == ReportJob.Kind.LEDGER:
        _organisation, as_facilitator = get_ledger_organisation(
            request, job.version.consultation, job.organisation.acronym
        )
        if job.options.get("with_hidden") and not as_facilitator:
            raise PermissionDenied
        return job
    if job.kind == ReportJob.Kind.ROLLING:
        may_ask_for_rolling(request, job.version, job.options.get("with_pending", False))
        return job
    scope = report_scope(request, job.version)
    if scope is not None and (
        job.kind != ReportJob.Kind.SUBMISSION or job.organisation_id != scope.pk
    ):
        raise PermissionDenied
    return job
