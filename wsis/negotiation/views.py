"""The facilitators' side of paragraph statuses: the version's status page (one paragraph or
many at once), the form on a paragraph's page, and convergence snapshots; the convergence
panel that the overview and the rolling text show."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from wsis.drafts.access import get_paragraph
from wsis.moderation.access import chosen_version, facilitator_view
from wsis.negotiation import services
from wsis.negotiation.convergence import Convergence, chart_width, count, history
from wsis.negotiation.forms import BulkStatusForm, SnapshotForm, StatusForm, status_initial
from wsis.negotiation.models import ParagraphStatus, StatusChange


def _at_version(request, version) -> str:
    """The query that keeps the version chosen in links (empty for the current one)."""
    return urlencode({"version": version.label}) if request.GET.get("version") else ""


def _with_version(request, version, url: str) -> str:
    query = _at_version(request, version)
    return f"{url}?{query}" if query else url


def _set(request, form, paragraphs, package) -> list[StatusChange] | None:
    """Apply a valid ``form`` to ``paragraphs``; None, with the reason on the form, if the
    service refuses."""
    data = form.cleaned_data
    try:
        return services.set_status(
            paragraphs=paragraphs,
            status=data["status"],
            actor=request.user,
            waiting_for=data["waiting_for"],
            note=data["note"],
            package=package,
            request=request,
        )
    except ValueError as error:
        form.add_error(None, str(error))
        return None


def _changed_message(request, changes: list[StatusChange], asked: int) -> None:
    messages.success(
        request,
        ngettext(
            "%(n)d paragraph set (%(same)d already so).",
            "%(n)d paragraphs set (%(same)d already so).",
            len(changes),
        )
        % {"n": len(changes), "same": asked - len(changes)},
    )


@require_http_methods(["GET", "POST"])
@facilitator_view
def statuses(request: HttpRequest, consultation) -> HttpResponse:
    """Every paragraph of the version with its status; those ticked set at once."""
    version, versions = chosen_version(request, consultation)
    form = BulkStatusForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["paragraphs"]
        changes = _set(request, form, chosen, form.cleaned_data["package"] or None)
        if changes is not None:
            _changed_message(request, changes, len(chosen))
            url = reverse("negotiation:statuses", args=[consultation.slug])
            return redirect(_with_version(request, version, url))
    found = services.statuses(version)
    ticked = {str(pk) for pk in form.data.getlist("paragraphs")} if form.is_bound else set()
    rows = [
        {
            "paragraph": paragraph,
            "status": found.get(paragraph.pk),
            "ticked": str(paragraph.pk) in ticked,
        }
        for paragraph in version.paragraphs.in_document_order()
    ]
    context = {
        "consultation": consultation,
        "tab": "statuses",
        "version": version,
        "versions": versions,
        "at_version": _at_version(request, version),
        "rows": rows,
        "form": form,
    }
    return render(request, "negotiation/statuses.html", context, status=400 if form.errors else 200)


def status_context(paragraph, form=None) -> dict:
    """What the status form on a paragraph's page shows: the form, the status and its
    history."""
    row = (
        ParagraphStatus.objects.filter(paragraph=paragraph).prefetch_related("waiting_for").first()
    )
    if form is None:
        form = StatusForm(initial=status_initial(row), consultation=paragraph.version.consultation)
    return {
        "paragraph": paragraph,
        "status": row,
        "status_form": form,
        "status_history": list(paragraph.status_changes.select_related("actor")[:20]),
    }


@require_POST
@facilitator_view
def paragraph_status(request: HttpRequest, consultation, label: str) -> HttpResponse:
    """The form on the facilitator's paragraph page: the form again, with the history, for
    htmx; back to the paragraph's page otherwise. An empty package takes it out of one."""
    version, versions = chosen_version(request, consultation)
    paragraph = get_paragraph(version, label)
    form = StatusForm(request.POST, consultation=consultation)
    changes = (
        _set(request, form, [paragraph], form.cleaned_data["package"]) if form.is_valid() else None
    )
    if changes is not None and not request.htmx:
        _changed_message(request, changes, 1)
        url = reverse("moderation:paragraph", args=[consultation.slug, paragraph.anchor])
        return redirect(_with_version(request, version, url) + "#status")
    context = {
        "consultation": consultation,
        "version": version,
        "versions": versions,
        "tab": "overview",
        "at_version": _at_version(request, version),
        "saved": changes is not None,
        **status_context(paragraph, form if changes is None else None),
    }
    template = "negotiation/paragraph_status.html"
    if request.htmx:
        template += "#status-panel"
    return render(request, template, context, status=200 if changes is not None else 400)


@require_POST
@facilitator_view
def snapshot(request: HttpRequest, consultation) -> HttpResponse:
    version, _versions = chosen_version(request, consultation)
    form = SnapshotForm(request.POST)
    url = reverse("moderation:overview", args=[consultation.slug])
    overview = _with_version(request, version, url)
    if form.is_valid():
        services.take_snapshot(
            version, label=form.cleaned_data["label"], actor=request.user, request=request
        )
        messages.success(request, _("Snapshot taken."))
    else:
        messages.error(request, " ".join(form.errors.get("label", [])))
    return redirect(overview + "#convergence")


def convergence_context(version, sections, found) -> dict:
    """The convergence panel's context, from the version's rolling text ``sections`` and
    statuses ``found``."""
    counted: Convergence = count(sections, found)
    points = history(version, counted.total)
    return {"convergence": counted, "points": points, "chart_width": chart_width(points)}
