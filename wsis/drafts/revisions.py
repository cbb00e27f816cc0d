"""New versions of a draft: upload or composition from the decisions, editing, alignment
review, publication, outcomes; and comparison."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wsis.comments.carry import orphaned_entries
from wsis.comments.models import RATIONALE_LIMIT, Entry, attach_diffs
from wsis.comments.outcomes import suggest_outcomes
from wsis.drafts.access import get_consultation, get_version
from wsis.drafts.alignment import part_of, relink
from wsis.drafts.comparison import comparison_context
from wsis.drafts.diff import cached_diffs, diff_html
from wsis.drafts.forms import (
    PARAGRAPH_LIMIT,
    AlignmentForm,
    OutcomeForm,
    ParagraphEditForm,
    VersionLabelForm,
    VersionUploadForm,
)
from wsis.drafts.models import Consultation, ParagraphLink, Version
from wsis.drafts.services import (
    RevisionError,
    default_closing,
    import_revision,
    publish_version,
)
from wsis.moderation.compose import (
    ComposeError,
    compose_revision,
    edit_paragraph,
    renumber,
    taken_in_by,
)
from wsis.moderation.services import decide_each
from wsis.stakeholders.access import require_facilitator


def _get_consultation_to_revise(request: HttpRequest, slug: str) -> Consultation:
    return require_facilitator(request, get_consultation(slug))


def _get_version_to_revise(request: HttpRequest, slug: str, label: str) -> Version:
    consultation = get_consultation(slug)
    if consultation.is_facilitator(request.user):
        # The gate first: a facilitator yet to confirm a code is sent to do so, not told that
        # the version in preparation does not exist.
        require_facilitator(request, consultation)
    version = get_version(slug, label, user=request.user)
    require_facilitator(request, version.consultation)
    return version


def _typed_label(form):
    return (form.cleaned_data.get("label") or form["label"].value()) if form else ""


def _upload_page(request, consultation, *, form=None, error=None, status=200, **composing):
    """The page that starts a new version: composed from the decisions, or imported as text."""
    context = {
        "consultation": consultation,
        "current": consultation.current_version(),
        "preparing": consultation.versions.filter(status=Version.Status.PREPARING).first(),
        "label": _typed_label(form),
        "error": error,
        "compose_label": _typed_label(composing.get("compose_form")),
        "compose_error": composing.get("compose_error"),
    }
    return render(request, "drafts/alignment_upload.html", context, status=status)


@require_GET
@login_required
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get_consultation_to_revise(request, slug)
    return _upload_page(request, consultation)


@require_POST
@login_required
def import_version(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _get_consultation_to_revise(request, slug)
    form = VersionUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        # The label's error first, then the file's: the page says one thing to correct.
        error = next(iter(form.errors.values()))[0]
        return _upload_page(request, consultation, form=form, error=error, status=400)
    label, draft = form.cleaned_data["label"], form.cleaned_data["file"]
    try:
        version = import_revision(consultation, label, draft, actor=request.user, request=request)
    except RevisionError as exc:
        return _upload_page(request, consultation, form=form, error=str(exc), status=400)
    if not version.is_preparing:
        messages.success(request, _("%(label)s is published.") % {"label": version.label})
        return redirect(version)
    messages.success(
        request,
        _("%(label)s is imported. Check how it follows %(previous)s, then publish it.")
        % {"label": version.label, "previous": version.previous().label},
    )
    return redirect("drafts:alignment", slug, version.label)


@require_POST
@login_required
def compose(request: HttpRequest, slug: str) -> HttpResponse:
    """Start the next version from the current one and the decisions taken on it."""
    consultation = _get_consultation_to_revise(request, slug)
    form = VersionLabelForm(request.POST)
    current = consultation.current_version()
    error = None
    if not form.is_valid():
        error = form.errors["label"][0]
    elif current is None:
        error = _("There is no published version to compose from.")
    else:
        try:
            composition = compose_revision(
                current, form.cleaned_data["label"], actor=request.user, request=request
            )
        except ComposeError as exc:
            error = str(exc)
    if error is not None:
        return _upload_page(
            request, consultation, compose_form=form, compose_error=error, status=400
        )
    version = composition.version
    messages.success(
        request,
        ngettext(
            "%(label)s is composed from %(previous)s: %(applied)d proposal applied, "
            "%(by_hand)d to write in by hand. Nobody else sees it until you publish it.",
            "%(label)s is composed from %(previous)s: %(applied)d proposals applied, "
            "%(by_hand)d to write in by hand. Nobody else sees it until you publish it.",
            composition.applied,
        )
        % {
            "label": version.label,
            "previous": current.label,
            "applied": composition.applied,
            "by_hand": composition.by_hand,
        },
    )
    return redirect("drafts:edit", slug, version.label)


def _editing(request, slug, label):
    """The version in preparation to edit; None (with a message) once it is published."""
    version = _get_version_to_revise(request, slug, label)
    if not version.is_preparing:
        messages.info(
            request, _("%(label)s is published: its text is final.") % {"label": version.label}
        )
        return None
    return version


@require_GET
@login_required
def edit(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    """The version in preparation, paragraph by paragraph: what changed from the previous one,
    the entries each paragraph took in, the conflicts to resolve."""
    version = _editing(request, slug, label)
    if version is None:
        return redirect("drafts:version", slug, label)
    links = list(version.links.in_document_order())
    taken = taken_in_by(version)
    entries = [row.entry for rows in taken.values() for row in rows]
    attach_diffs(entries)
    pairs = [
        (link.source.text, link.target.text)
        for link in links
        if link.source_id and link.target_id and link.source.text != link.target.text
    ]
    diffs = cached_diffs(pairs)
    rows = []
    for link in links:
        paragraph = link.target
        changed = link.source_id and paragraph and link.source.text != paragraph.text
        took_in = taken.get(paragraph.pk, []) if paragraph else []
        rows.append(
            {
                "link": link,
                "paragraph": paragraph,
                "diff": diffs[(link.source.text, paragraph.text)] if changed else None,
                "took_in": took_in,
                "conflict": any(row.how == "conflict" for row in took_in),
            }
        )
    in_conflict = [row["paragraph"] for row in rows if row["conflict"]]
    context = {
        "consultation": version.consultation,
        "version": version,
        "previous": version.previous(),
        "rows": rows,
        "in_conflict": in_conflict,
        "applied": sum(row.how == "applied" for rows_ in taken.values() for row in rows_),
        "by_hand": sum(row.how == "by_hand" for rows_ in taken.values() for row in rows_),
        "changed": sum(1 for row in rows if row["link"].kind != "unchanged"),
    }
    return render(request, "drafts/edit.html", context)


def _paragraph_page(request, version, paragraph, *, form=None, error=None, status=200):
    link = paragraph.links_back.select_related("source").first()
    before = link.source.text if link and link.source_id else ""
    took_in = taken_in_by(version).get(paragraph.pk, [])
    attach_diffs([row.entry for row in took_in])
    text = form["text"].value() if form is not None else paragraph.text
    keep = (
        {int(pk) for pk in form["keep"].value() or [] if str(pk).isdigit()}
        if form is not None
        else {row.entry_id for row in took_in}
    )
    context = {
        "consultation": version.consultation,
        "version": version,
        "paragraph": paragraph,
        "previous": version.previous(),
        "before": before,
        "text": text,
        "change_html": diff_html(before, text or ""),
        "took_in": took_in,
        "keep": keep,
        "error": error,
        "limit": PARAGRAPH_LIMIT,
    }
    return render(request, "drafts/edit_paragraph.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def edit_one(request: HttpRequest, slug: str, label: str, pk: int) -> HttpResponse:
    version = _editing(request, slug, label)
    if version is None:
        return redirect("drafts:version", slug, label)
    paragraph = get_object_or_404(version.paragraphs.select_related("section"), pk=pk)
    if request.method == "GET":
        return _paragraph_page(request, version, paragraph)
    took_in = paragraph.took_in.select_related("entry")
    form = ParagraphEditForm(request.POST, entries=[row.entry for row in took_in])
    if not form.is_valid():
        error = next(iter(form.errors.values()))[0]
        return _paragraph_page(request, version, paragraph, form=form, error=error, status=400)
    try:
        edit_paragraph(
            paragraph,
            text=form.cleaned_data["text"],
            keep=set(form.cleaned_data["keep"]),
            actor=request.user,
            request=request,
        )
    except ComposeError as exc:
        return _paragraph_page(request, version, paragraph, form=form, error=str(exc), status=400)
    messages.success(request, _("%(label)s is saved.") % {"label": paragraph.display_label})
    return redirect(reverse("drafts:edit", args=[slug, label]) + f"#{paragraph.anchor}")


@require_POST
@login_required
def edit_preview(request: HttpRequest, slug: str, label: str, pk: int) -> HttpResponse:
    """The word diff of the wording being typed against the previous version's, live."""
    version = _get_version_to_revise(request, slug, label)
    paragraph = get_object_or_404(version.paragraphs, pk=pk)
    link = paragraph.links_back.select_related("source").first()
    before = link.source.text if link and link.source_id else ""
    text = request.POST.get("text", "")[:PARAGRAPH_LIMIT]
    context = {"change_html": diff_html(before, text)}
    return render(request, "drafts/edit_paragraph.html#preview", context)


@require_POST
@login_required
def renumber_version(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    version = _editing(request, slug, label)
    if version is None:
        return redirect("drafts:version", slug, label)
    changed = renumber(version, actor=request.user, request=request)
    messages.success(
        request,
        ngettext("%(count)d paragraph relabelled.", "%(count)d paragraphs relabelled.", changed)
        % {"count": changed},
    )
    return redirect("drafts:edit", slug, label)


def _before(link, old_text):
    if link.kind == ParagraphLink.Kind.SPLIT:
        return part_of(old_text, link.target.text)
    return old_text


def _alignment_page(request, version, *, posted=None, errors=None, status=200):
    links = list(version.links.in_document_order())
    sources = {}
    for link in links:
        if link.target_id and link.source_id:
            sources.setdefault(link.target_id, []).append(link.source.display_label)
    rows = []
    seen = set()
    for link in links:
        if link.target_id is not None:
            if link.target_id in seen:
                continue  # a merge shows once, with all its sources
            seen.add(link.target_id)
            field = f"from-{link.target_id}"
            value = posted.get(field, "") if posted is not None else None
            if value is None:
                value = ", ".join(sources.get(link.target_id, []))
            old_text = " ".join(
                other.source.text
                for other in links
                if other.target_id == link.target_id and other.source_id
            )
        else:
            field, value, old_text = None, "", link.source.text
        changed = link.source_id and link.target_id and link.kind not in ("unchanged", "renumbered")
        rows.append(
            {
                "link": link,
                "field": field,
                "value": value,
                "error": (errors or {}).get(field),
                "old_text": old_text,
                "diff": diff_html(_before(link, old_text), link.target.text) if changed else None,
            }
        )
    counts = {}
    for row in rows:
        counts[row["link"].get_kind_display()] = counts.get(row["link"].get_kind_display(), 0) + 1
    context = {
        "consultation": version.consultation,
        "version": version,
        "previous": version.previous(),
        "rows": rows,
        "changed_rows": [r for r in rows if r["link"].kind not in ("unchanged", "renumbered")],
        "counts": sorted(counts.items()),
        "errors": errors,
        "confirmed": bool(links) and all(link.confirmed for link in links),
        "closes_at": timezone.localtime(default_closing(), version.consultation.tz),
    }
    return render(request, "drafts/alignment.html", context, status=status)


@require_GET
@login_required
def alignment(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    version = _get_version_to_revise(request, slug, label)
    if version.previous() is None:
        raise Http404("The first version follows no other.")
    return _alignment_page(request, version)


@require_POST
@login_required
def save_alignment(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    version = _get_version_to_revise(request, slug, label)
    previous = version.previous()
    if previous is None:
        raise Http404("The first version follows no other.")
    if not version.is_preparing:
        messages.error(
            request, _("%(label)s is published: its alignment is final.") % {"label": version.label}
        )
        return redirect("drafts:alignment", slug, label)
    old = list(previous.paragraphs.order_by("order"))
    new = list(version.paragraphs.order_by("order"))
    form = AlignmentForm(request.POST, previous=previous, old=old, new=new)
    if not form.is_valid():
        errors = {field: found[0] for field, found in form.errors.items()}
        return _alignment_page(request, version, posted=request.POST, errors=errors, status=400)
    relink(version, old, new, form.cleaned_data["edges"])
    messages.success(
        request,
        _("The alignment is confirmed. You can now publish %(label)s.") % {"label": version.label},
    )
    return redirect("drafts:alignment", slug, label)


@require_POST
@login_required
def publish(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    version = _get_version_to_revise(request, slug, label)
    tz = version.consultation.tz
    try:
        closes_at = datetime.fromisoformat(request.POST.get("closes_at", "")).replace(tzinfo=tz)
    except ValueError:
        messages.error(request, _("Give the date and time the comment round closes."))
        return redirect("drafts:alignment", slug, label)
    try:
        publish_version(version, closes_at=closes_at, actor=request.user, request=request)
    except RevisionError as exc:
        messages.error(request, str(exc))
        return redirect("drafts:alignment", slug, label)
    messages.success(
        request,
        _("%(label)s is published and open for comments. Review the suggested outcomes.")
        % {"label": version.label},
    )
    return redirect("drafts:outcomes", slug, label)


@require_GET
@login_required
def outcomes(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    version = _get_version_to_revise(request, slug, label)
    return _outcomes_page(request, version, suggest_outcomes(version))


def _outcomes_page(request, version, suggestions, *, posted=None, errors=None, status=200):
    """The suggestions, each with the outcome and rationale to show in its fields: what the
    facilitator posted (so a refused form keeps what they typed), else the recorded decision,
    else the suggested outcome with an empty rationale: the suggestion's evidence is shown
    beside it, never put in the field the organisation reads."""
    posted, errors = posted or {}, errors or {}
    rows = []
    for suggestion in suggestions:
        entry = suggestion.entry
        if entry.pk in posted:
            decision, rationale = posted[entry.pk]
        elif entry.decision != Entry.Decision.OPEN:
            decision, rationale = entry.decision, entry.decision_rationale
        else:
            decision, rationale = suggestion.outcome, ""
        rows.append(
            {
                "suggestion": suggestion,
                "decision": decision,
                "rationale": rationale,
                "error": errors.get(entry.pk),
            }
        )
    context = {
        "consultation": version.consultation,
        "version": version,
        "rows": rows,
        "decisions": Entry.Decision.choices,
        "rationale_limit": RATIONALE_LIMIT,
    }
    return render(request, "drafts/alignment_outcomes.html", context, status=status)


@require_POST
@login_required
def confirm_outcomes(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    """Record the outcomes through the moderation service, as decisions taken on the dashboard
    are: the same rules, audit events and mail to the organisations' focal points."""
    version = _get_version_to_revise(request, slug, label)
    suggestions = suggest_outcomes(version)
    outcome_forms = {
        s.entry: OutcomeForm(request.POST, prefix=str(s.entry.pk))
        for s in suggestions
        if f"decision-{s.entry.pk}" in request.POST  # else not on the form the facilitator saw
    }
    posted = {
        entry.pk: (form["decision"].value(), (form["rationale"].value() or "").strip())
        for entry, form in outcome_forms.items()
    }
    errors = {
        entry.pk: next(iter(form.errors.values()))[0]
        for entry, form in outcome_forms.items()
        if not form.is_valid()
    }
    if errors:
        # Checked for every row before any is saved: a bad form changes nothing.
        messages.error(request, _("Nothing was recorded: correct the outcomes marked below."))
        return _outcomes_page(
            request, version, suggestions, posted=posted, errors=errors, status=400
        )
    evidence = {s.entry: s.evidence for s in suggestions}
    choices = {
        entry: (form.cleaned_data["decision"], form.cleaned_data["rationale"], evidence[entry])
        for entry, form in outcome_forms.items()
    }
    changed = decide_each(choices, request=request)
    messages.success(
        request,
        ngettext("%(count)d decision recorded.", "%(count)d decisions recorded.", changed)
        % {"count": changed},
    )
    return redirect("drafts:outcomes", slug, label)


@require_GET
def orphaned(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    """Entries of earlier versions whose paragraph was deleted on the way to this version:
    they follow no paragraph any more, so they are listed here rather than lost."""
    version = get_version(slug, label, user=request.user)
    items = orphaned_entries(version, Entry.objects.visible_to(request.user))
    entries = [item.entry for item in items]
    attach_diffs(entries)
    prefetch_related_objects(entries, "supports__organisation")
    context = {"consultation": version.consultation, "version": version, "items": items}
    return render(request, "drafts/orphaned.html", context)


@require_GET
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    return _compare(request, slug, "drafts/compare.html")


@require_GET
def compare_print(request: HttpRequest, slug: str) -> HttpResponse:
    return _compare(request, slug, "drafts/compare_print.html")


def _compare(request, slug, template):
    consultation = get_consultation(slug)
    versions = list(
        Version.objects.visible_to(request.user).filter(consultation=consultation).order_by("order")
    )
    by_label = {v.label: v for v in versions}
    if any(key in request.GET and request.GET[key] not in by_label for key in ("old", "new")):
        raise Http404("No such version.")
    if len(versions) < 2:
        context = {"consultation": consultation, "versions": versions, "single": True}
        return render(request, "drafts/compare.html", context)
    old = by_label[request.GET.get("old", versions[-2].label)]
    new = by_label[request.GET.get("new", versions[-1].label)]
    context = comparison_context(old, new)
    context["versions"] = versions
    return render(request, template, context)
