from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wsis.comments.ledger import get_ledger_organisation
from wsis.drafts.access import get_version
from wsis.drafts.models import Consultation, Version
from wsis.reports.access import get_job, may_ask_for_rolling, report_scope
from wsis.reports.forms import ReportForm
from wsis.reports.models import ReportJob
from wsis.reports.services import (
    ask_for_ledger,
    ask_for_report,
    ask_for_rolling,
    ask_for_silence_letter,
)
from wsis.reports.tasks import enqueue
from wsis.silence.access import facilitated_silence
from wsis.throttle import LimitReached

BROKER_DOWN = gettext_lazy(
    "The report queue cannot be reached right now. Your request is saved and will be "
    "rendered as soon as the queue is back; this page will show it."
)


def _index(request: HttpRequest, version, scope, form: ReportForm, status: int = 200):
    context = {
        "consultation": version.consultation,
        "version": version,
        "scope": scope,
        # The switcher: every version of the consultation this user may see.
        "versions": Version.objects.visible_to(request.user)
        .filter(consultation=version.consultation)
        .order_by("order"),
        "form": form,
        "jobs": ReportJob.objects.visible_to(version, scope)[:50],
    }
    return render(request, "reports/index.html", context, status=status)


@require_GET
@login_required
def index(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    version = get_version(slug, label, user=request.user)
    scope = report_scope(request, version)
    return _index(request, version, scope, ReportForm(version=version, scope=scope))


@require_POST
@login_required
def ask(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    version = get_version(slug, label, user=request.user)
    scope = report_scope(request, version)
    form = ReportForm(request.POST, version=version, scope=scope)
    if not form.is_valid():
        return _index(request, version, scope, form, status=400)
    try:
        asked = ask_for_report(
            user=request.user,
            version=version,
            kind=form.cleaned_data["kind"],
            fmt=form.cleaned_data["format"],
            organisation=form.cleaned_data["organisation"],
            options=form.options(),
            language=get_language(),
            request=request,
        )
    except LimitReached as exc:
        form.add_error(None, str(exc))
        return _index(request, version, scope, form, status=429)
    return _to_the_job(request, asked)


@require_POST
@login_required
def ask_ledger(request: HttpRequest, slug: str, acronym: str) -> HttpResponse:
    """The ledger page's button: the ledger as a PDF, as the asker reads it there."""
    consultation = get_object_or_404(Consultation, slug=slug)
    organisation, as_facilitator = get_ledger_organisation(request, consultation, acronym)
    return _ask(
        request,
        ("comments:ledger", slug, acronym),
        ask_for_ledger,
        consultation=consultation,
        organisation=organisation,
        as_facilitator=as_facilitator,
    )


def _ask(request, back, ask_for, **what):
    """Ask for a report from a page's button: to the job, or back to ``back`` when the
    asker has reached their limit."""
    try:
        asked = ask_for(user=request.user, language=get_language(), request=request, **what)
    except LimitReached as exc:
        messages.error(request, str(exc))
        return redirect(*back)
    if asked is None:
        raise Http404(_("This consultation has no draft yet."))
    return _to_the_job(request, asked)


def _to_the_job(request, asked):
    if asked.reused:
        messages.info(request, _("An identical report was already asked for: here it is."))
    elif not asked.sent:
        messages.warning(request, BROKER_DOWN)
    return redirect("reports:job", pk=asked.job.pk)


def _pdf_or_word(request) -> str | None:
    """The format a page's buttons asked for; None, with a message, for anything else."""
    fmt = request.POST.get("format", ReportJob.Format.PDF)
    if fmt not in (ReportJob.Format.PDF, ReportJob.Format.DOCX):
        messages.error(request, _("Choose PDF or Word."))
        return None
    return fmt


@require_POST
@login_required
def ask_rolling(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    """The rolling text page's buttons: the rolling text as a PDF or a Word document."""
    version = get_version(slug, label, user=request.user)
    fmt = _pdf_or_word(request)
    if fmt is None:
        return redirect("comments:rolling", slug, label)
    with_pending = request.POST.get("with_pending") == "1"
    may_ask_for_rolling(request, version, with_pending)
    return _ask(
        request,
        ("comments:rolling", slug, label),
        ask_for_rolling,
        version=version,
        fmt=fmt,
        with_pending=with_pending,
    )


@require_POST
@login_required
def ask_silence_letter(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    """The silence matrix's buttons: the draft letter as a PDF or a Word document, once the
    deadline has passed."""
    _version, silence = facilitated_silence(request, slug, label)
    back = ("silence:matrix", slug, label)
    fmt = _pdf_or_word(request)
    if fmt is None:
        return redirect(*back)
    if silence.is_running():
        messages.error(request, _("Silence has not ended yet: the letter is drafted once it has."))
        return redirect(*back)
    return _ask(request, back, ask_for_silence_letter, silence=silence, fmt=fmt)


@require_GET
@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_job(request, pk)
    waiting_for_broker = job.state == ReportJob.State.QUEUED and job.enqueued is None
    # Polled every few seconds: try the broker again at most every 15 seconds per job.
    if waiting_for_broker and cache.add(f"reports:retry-enqueue:{job.pk}", 1, timeout=15):
        waiting_for_broker = not enqueue(job)
    consultation = job.version.consultation
    # Where it was asked for: the ledger page, or the reports of its version.
    if job.kind == ReportJob.Kind.LEDGER:
        back = reverse("comments:ledger", args=[consultation.slug, job.organisation.acronym])
    elif job.kind == ReportJob.Kind.ROLLING:
        back = reverse("comments:rolling", args=[consultation.slug, job.version.label])
    elif job.kind == ReportJob.Kind.SILENCE:
        back = reverse("silence:matrix", args=[consultation.slug, job.version.label])
    else:
        back = reverse("reports:index", args=[consultation.slug, job.version.label])
    context = {
        "job": job,
        "version": job.version,
        "waiting_for_broker": waiting_for_broker,
        "back": back,
    }
    template = "reports/job.html#status" if request.htmx else "reports/job.html"
    return render(request, template, context)


@require_GET
@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_job(request, pk)
    if job.state != ReportJob.State.DONE or not job.path.exists():
        raise Http404(_("This report has no file."))
    return FileResponse(job.path.open("rb"), as_attachment=True, filename=job.download_name)


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The nav link: the reports of the current version of the newest consultation that has
    one; a page that says so when no consultation has a draft yet."""
    for consultation in Consultation.objects.order_by("-created"):
        version = consultation.current_version()
        if version is not None:
            return redirect("reports:index", consultation.slug, version.label)
    return render(request, "reports/no_draft.html")
