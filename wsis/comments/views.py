from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from wsis.cache import PARAGRAPHS, SUPPORTS, generations, joined
from wsis.comments import services
from wsis.comments.access import (
    get_draft_for_carry,
    get_draft_for_delete,
    get_entry_for_edit,
    get_entry_for_focal_point,
    get_entry_for_support,
    get_entry_for_view,
    get_paragraph_by_id,
    get_paragraph_for_entry,
    get_paragraph_for_panel,
    require_membership,
)
from wsis.comments.carry import carry_targets, left_behind_drafts, left_behind_target
from wsis.comments.forms import MAX_LENGTH, EntryForm
from wsis.comments.history import entry_history, may_read_history
from wsis.comments.models import Entry, attach_diffs, diff_pair
from wsis.comments.panel import add_forms_html, entries_html, notice_slot
from wsis.comments.panel import scopes as panel_scopes
from wsis.drafts.access import get_consultation, get_version
from wsis.drafts.diff import diff_html
from wsis.drafts.models import CommentRound
from wsis.drafts.views import count_snippets
from wsis.moderation.access import chosen_version
from wsis.moderation.placement import Placement
from wsis.silence.zones import in_two_zones
from wsis.stakeholders.access import (
    active_membership,
    acts_as_facilitator,
    facilitated_consultations,
    participating_membership,
    request_memberships,
)
from wsis.throttle import LimitReached

CHANGE_KINDS = (Entry.Kind.AMENDMENT, Entry.Kind.DELETION)


def _round_of(version) -> CommentRound | None:
    # Usually fetched with the version already (select_related), so no query.
    return getattr(version, "round", None)


def _round_context(version, membership) -> dict:
    found = _round_of(version)
    organisation = membership.organisation if membership else None
    closes_at = found.closes_at_for(organisation) if found else None
    now = timezone.now()
    return {
        "round": found,
        "closes_at": closes_at,
        "round_is_open": bool(found and found.is_open_for(organisation, now)),
        "round_not_yet_open": bool(found and now < found.opens_at),
        "silence_until": version.silence_until if version.in_silence(now) else None,
    }


def _notice_html(request, acted_on: int | None) -> str:
    """The messages of this request as one status, for a panel swapped by htmx: focused when
    it sits beside the entry acted on, so that the person hears and sees the outcome there."""
    found = list(messages.get_messages(request))
    if not found:
        return ""
    return render_to_string("comments/_notice.html", {"messages": found, "focus": bool(acted_on)})


def _counts_html(request, paragraph) -> str:
    """The paragraph's counts as the reader shows them to this person (``count_snippets``)."""
    membership = active_membership(request)
    version = paragraph.version
    snippets = count_snippets(
        version,
        request.user,
        membership.organisation_id if membership else None,
        organisation_ids=[m.organisation_id for m in request_memberships(request)],
        facilitates=any(
            c.pk == version.consultation_id for c in facilitated_consultations(request)
        ),
    )
    # Rendered by format_html, and cached.
    return mark_safe(snippets.get(str(paragraph.lineage), ""))  # noqa: S308


def _from_reader(request) -> bool:
    """Whether htmx sent this request from the reader (where the paragraph's counts show)."""
    try:
        match = resolve(urlsplit(request.htmx.current_url_abs_path or "").path)
    except Resolver404:
        return False
    return match.view_name in ("drafts:reader", "drafts:version")


def _panel_context(request, paragraph, bound: EntryForm | None, known, acted_on=None) -> dict:
    membership = active_membership(request)
    version = paragraph.version
    # Forms only where a write could be taken: the server refuses the rest anyway. A form
    # refused under silence comes back all the same, so that what was typed is not lost.
    writable = version.is_open and (bound is not None or not version.in_silence())
    writer = (
        participating_membership(request, version.consultation) if membership and writable else None
    )
    notice = _notice_html(request, acted_on) if request.htmx else ""
    notices = {notice_slot(acted_on): notice} if notice and acted_on else None
    shown = entries_html(request, paragraph, membership, known, notices)
    # The reader around the panel shows the paragraph's counts: a change renews them there.
    in_reader = request.htmx and acted_on is not None and _from_reader(request)
    return {
        "paragraph": paragraph,
        "version": version,
        "consultation": version.consultation,
        "entries_html": shown,
        # Beside the entry when the panel shows it, above the entries otherwise.
        "notice_html": "" if notice and notice in shown else notice,
        "counts_html": _counts_html(request, paragraph) if in_reader else None,
        "membership": membership,
        "can_write": writer is not None,
        "add_forms_html": add_forms_html(request, paragraph, bound) if writer else "",
    } | _round_context(version, membership)


def _render_panel(
    request, paragraph, bound=None, status=200, known=None, acted_on=None
) -> HttpResponse:
    template = "comments/panel.html#panel" if request.htmx else "comments/panel.html"
    context = _panel_context(request, paragraph, bound, known, acted_on)
    return render(request, template, context, status=status)


def _safe_next(request, target: str) -> str | None:
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target  # a URL, never a view name
    return None


def _after_change(request, entry: Entry) -> HttpResponse:
    if request.htmx:
        return _render_panel(request, entry.paragraph, acted_on=entry.pk)
    target = _safe_next(request, request.POST.get("next", ""))
    if target:
        return HttpResponseRedirect(target)
    return redirect("comments:entry", entry.pk)


def _silence_message(request, refused: services.InSilence, consultation) -> None:
    messages.error(
        request,
        _(
            "This version is under silence until %(deadline)s: nothing is accepted on it until "
            "then, and nothing was changed."
        )
        % {"deadline": in_two_zones(refused.until, consultation)},
    )


def _silenced(request, refused: services.InSilence, entry: Entry) -> HttpResponse:
    _silence_message(request, refused, entry.version.consultation)
    return _after_change(request, entry)


def _late_message(request, entry: Entry) -> None:
    messages.error(
        request,
        _(
            "The comment round is closed for your organisation, so this could not go in. "
            "Your text is kept as a draft of %(label)s: nothing is lost."
        )
        % {"label": entry.target_label},
    )


@require_GET
def panel(request: HttpRequest, pk: int) -> HttpResponse:
    # Every generation the panel depends on, the paragraph's included, in one read.
    known = generations(PARAGRAPHS, SUPPORTS, *panel_scopes(request))
    paragraph = get_paragraph_for_panel(request, pk, joined(known, PARAGRAPHS))
    return _render_panel(request, paragraph, known=known)


@require_POST
@login_required
def create(request: HttpRequest, pk: int) -> HttpResponse:
    paragraph = get_paragraph_for_entry(request, pk)
    membership = require_membership(request, paragraph.version.consultation)
    form = EntryForm(request.POST, paragraph=paragraph)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: please correct the text below."))
        return _render_panel(request, paragraph, bound=form, status=400)
    try:
        entry, outcome = services.create_draft(
            paragraph=paragraph, membership=membership, data=form.cleaned_data, request=request
        )
    except services.NotAllowed as exc:
        raise PermissionDenied from exc
    except LimitReached as exc:
        # What was typed stays in the form.
        messages.error(request, str(exc))
        return _render_panel(request, paragraph, bound=form, status=429)
    except services.InSilence as refused:
        _silence_message(request, refused, paragraph.version.consultation)
        return _render_panel(request, paragraph, bound=form, status=409)
    if outcome == services.LATE:
        _late_message(request, entry)
    elif outcome == services.DUPLICATE:
        messages.info(request, _("This was already saved; it was not added twice."))
    else:
        messages.success(
            request,
            _(
                "Saved as a draft: only your organisation sees it until your focal point "
                "submits it."
            ),
        )
    if request.htmx:
        return _render_panel(request, paragraph, acted_on=entry.pk)
    return redirect(reverse("comments:panel", args=[paragraph.pk]) + f"#entry-{entry.pk}")


@require_POST
@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    paragraph = get_paragraph_by_id(request, pk)
    kind = request.POST.get("kind", Entry.Kind.AMENDMENT)
    proposed = request.POST.get("proposed_text", "")[:MAX_LENGTH]
    pair = diff_pair(kind, paragraph.text, proposed)
    context = {
        "paragraph": paragraph,
        "change_html": diff_html(*pair) if pair else "",
        "unchanged": kind == Entry.Kind.AMENDMENT and proposed.split() == paragraph.text.split(),
        "form": EntryForm(request.POST, paragraph=paragraph),
        "kind": kind,
    }
    template = "comments/preview.html#preview" if request.htmx else "comments/preview.html"
    return render(request, template, context)


def _entry_context(request, entry, membership, form=None, conflict=None) -> dict:
    attach_diffs([entry])
    entry.supporters = [s.organisation for s in entry.supports.select_related("organisation")]
    ours = membership is not None and membership.organisation_id == entry.organisation_id
    draft = ours and entry.status == Entry.Status.DRAFT
    editable = draft and entry.version.is_open
    if editable and form is None:
        form = EntryForm(
            initial={
                "kind": entry.kind,
                "text": entry.text,
                "proposed_text": entry.proposed_text,
                "revision": entry.revision,
            },
            paragraph=entry.paragraph,
        )
    focal = membership is not None and membership.is_focal_point
    # Under silence nothing is submitted, withdrawn or supported: no button offers it.
    acts = focal and not entry.version.in_silence()
    supported = focal and any(o.pk == membership.organisation_id for o in entry.supporters)
    return {
        "entry": entry,
        "paragraph": entry.paragraph,
        "consultation": entry.version.consultation,
        "membership": membership,
        "form": form if editable else None,
        "conflict": conflict,
        "can_submit": acts and editable,
        "can_withdraw": acts and ours and entry.status == Entry.Status.SUBMITTED,
        "can_support": (
            acts
            and not ours
            and entry.is_proposal
            and entry.status == Entry.Status.SUBMITTED
            and not supported
        ),
        "can_withdraw_support": acts
        and supported
        and not ours
        and entry.status == Entry.Status.SUBMITTED,
        "is_facilitator": acts_as_facilitator(request.user, entry.version.consultation),
        "can_delete": draft and (entry.author_id == request.user.pk or focal),
        "left_behind": draft
        and not entry.version.is_open
        and left_behind_target(entry) is not None,
    } | _round_context(entry.version, membership)


def _entry_page(request, context: dict, status: int = 200) -> HttpResponse:
    """The entry's page; for htmx, the draft's form in place of the entry in its panel (Edit,
    or a save refused with what was typed), or the page itself where there is no form."""
    entry = context["entry"]
    if not request.htmx:
        readable = may_read_history(
            request.user, entry, context["membership"], context["is_facilitator"]
        )
        extra = {
            "ids": "id_",
            "preview_id": "preview-edit",
            "history": entry_history(entry, facilitates=context["is_facilitator"])
            if readable
            else None,
        }
        return render(request, "comments/entry.html", context | extra, status=status)
    if context["form"] is None:
        return HttpResponseClientRedirect(reverse("comments:entry", args=[entry.pk]))
    in_place = {
        "in_place": True,
        "ids": f"edit-{entry.pk}-",
        "preview_id": f"edit-{entry.pk}-preview",
    }
    response = render(request, "comments/_entry_edit.html", context | in_place, status=status)
    return reswap(retarget(response, f"#entry-{entry.pk}"), "outerHTML")


@require_GET
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_entry_for_view(request, pk)
    return _entry_page(request, _entry_context(request, found, active_membership(request)))


@require_POST
@login_required
def save(request: HttpRequest, pk: int) -> HttpResponse:
    found, membership = get_entry_for_edit(request, pk)
    form = EntryForm(request.POST, paragraph=found.paragraph)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: please correct the text below."))
        return _entry_page(request, _entry_context(request, found, membership, form=form), 400)
    try:
        saved, outcome = services.update_draft(
            found, membership=membership, data=form.cleaned_data, request=request
        )
    except services.Conflict as conflict:
        # Keep what this delegate typed in the form, show what the other one saved, and
        # let a second save knowingly replace it.
        data = request.POST.copy()
        data["revision"] = conflict.current.revision
        form = EntryForm(data, paragraph=found.paragraph)
        form.is_valid()
        messages.error(
            request,
            _(
                "Someone in your organisation saved this draft while you were editing it. "
                "Nothing was overwritten: compare both texts below, then save again to keep yours."
            ),
        )
        context = _entry_context(request, conflict.current, membership, form, conflict.current)
        return _entry_page(request, context, 409)
    except services.NotAllowed as exc:
        raise PermissionDenied from exc
    except services.InSilence as refused:
        # What was typed stays in the form.
        _silence_message(request, refused, found.version.consultation)
        return _entry_page(request, _entry_context(request, found, membership, form=form), 409)
    if outcome == services.LATE:
        _late_message(request, saved)
    elif outcome == services.UNCHANGED:
        messages.info(request, _("No changes to save."))
    else:
        messages.success(request, _("Draft saved."))
    if request.htmx:
        return _render_panel(request, saved.paragraph, acted_on=saved.pk)
    return redirect("comments:entry", saved.pk)


@require_POST
@login_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    found, membership = get_entry_for_focal_point(request, pk)
    try:
        outcome = services.submit(found, membership=membership, request=request)
    except services.NotAllowed as exc:
        raise PermissionDenied(_("A withdrawn entry cannot be submitted again.")) from exc
    except services.InSilence as refused:
        return _silenced(request, refused, found)
    if outcome == services.LATE:
        _late_message(request, found)
    elif outcome == services.ALREADY:
        messages.info(request, _("This entry was already submitted."))
    else:
        messages.success(request, _("Submitted: %(label)s.") % {"label": found.target_label})
    return _after_change(request, found)


def _report(request, outcome: str, *, late: str, already: str, done: str) -> None:
    """Tell the user what an action on a submitted entry came to."""
    if outcome == services.LATE:
        messages.error(request, late)
    elif outcome == services.ALREADY:
        messages.info(request, already)
    else:
        messages.success(request, done)


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    found, membership = get_entry_for_focal_point(request, pk)
    try:
        outcome = services.withdraw(found, membership=membership, request=request)
    except services.NotAllowed as exc:
        raise PermissionDenied(_("Only submitted entries can be withdrawn.")) from exc
    except services.InSilence as refused:
        return _silenced(request, refused, found)
    _report(
        request,
        outcome,
        late=_("The comment round is closed: entries can no longer be withdrawn."),
        already=_("This entry was already withdrawn."),
        done=_("Withdrawn. It stays on record, marked withdrawn."),
    )
    return _after_change(request, found)


@require_POST
@login_required
def support(request: HttpRequest, pk: int) -> HttpResponse:
    found, membership = get_entry_for_support(request, pk)
    try:
        outcome = services.support(found, membership=membership, request=request)
    except services.InSilence as refused:
        return _silenced(request, refused, found)
    _report(
        request,
        outcome,
        late=_("The comment round is closed: proposals can no longer be supported."),
        already=_("Your organisation already supports this proposal."),
        done=_("%(organisation)s now supports this proposal.")
        % {"organisation": membership.organisation.name},
    )
    return _after_change(request, found)


@require_POST
@login_required
def withdraw_support(request: HttpRequest, pk: int) -> HttpResponse:
    found, membership = get_entry_for_support(request, pk)
    try:
        outcome = services.withdraw_support(found, membership=membership, request=request)
    except services.InSilence as refused:
        return _silenced(request, refused, found)
    _report(
        request,
        outcome,
        late=_("The comment round is closed: support can no longer be withdrawn."),
        already=_("Your organisation does not support this proposal."),
        done=_("%(organisation)s no longer supports this proposal.")
        % {"organisation": membership.organisation.name},
    )
    return _after_change(request, found)


@require_http_methods(["GET", "POST"])
@login_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page (GET), then the deletion (POST): it works without JavaScript."""
    found, membership = get_draft_for_delete(request, pk)
    back = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.method == "GET":
        attach_diffs([found])
        context = {
            "entry": found,
            "paragraph": found.paragraph,
            "consultation": found.version.consultation,
            "membership": membership,
            "next": back or "",
        }
        return render(request, "comments/delete.html", context)
    try:
        services.delete_draft(found, membership=membership, request=request)
    except services.NotAllowed as exc:
        raise PermissionDenied(_("Only drafts can be deleted: withdraw it instead.")) from exc
    messages.success(
        request, _("The draft on %(label)s was deleted.") % {"label": found.target_label}
    )
    if back:
        return HttpResponseRedirect(back)
    return redirect("comments:panel", found.paragraph_id)


@require_POST
@login_required
def carry(request: HttpRequest, pk: int) -> HttpResponse:
    found, membership = get_draft_for_carry(request, pk)
    current = left_behind_target(found)
    if current is None:
        raise PermissionDenied(
            _("This draft is on the version open for comments: there is nothing to carry.")
        )
    asked = request.POST.get("paragraph", "")
    target = next((p for p in carry_targets(found, current) if str(p.pk) == asked), None)
    if target is None:
        messages.error(
            request,
            _(
                "That paragraph does not continue %(label)s in %(version)s: nothing was "
                "changed. Choose one of the paragraphs listed, or discard the draft."
            )
            % {"label": found.target_label, "version": current.label},
        )
        return redirect("comments:our_entries", current.consultation.slug)
    try:
        carried, _outcome = services.carry_draft(
            found, membership=membership, paragraph=target, request=request
        )
    except services.NotAllowed as exc:
        raise PermissionDenied(_("This draft can no longer be carried.")) from exc
    except services.InSilence as refused:
        _silence_message(request, refused, current.consultation)
        return redirect("comments:our_entries", current.consultation.slug)
    messages.success(
        request,
        _("The draft now sits on %(label)s of %(version)s: check its wording.")
        % {"label": carried.target_label, "version": current.label},
    )
    return redirect("comments:entry", carried.pk)


@require_http_methods(["GET", "POST"])
@login_required
def submit_all(request: HttpRequest, slug: str) -> HttpResponse:
    version = get_version(slug)
    membership = require_membership(request, version.consultation, focal_point=True)
    if request.method == "POST":
        # isdigit() alone lets "²" through, which int() refuses.
        ids = [int(i) for i in request.POST.getlist("entry") if i.isascii() and i.isdigit()]
        try:
            submitted, outcome = services.submit_all(
                version, membership=membership, entry_ids=ids, request=request
            )
        except services.InSilence as refused:
            _silence_message(request, refused, version.consultation)
            return redirect("comments:our_entries", slug)
        if outcome == services.LATE:
            messages.error(
                request,
                _(
                    "The comment round is closed for your organisation: nothing was submitted. "
                    "Your drafts are kept."
                ),
            )
        elif outcome == services.ALREADY:
            messages.info(request, _("There was nothing left to submit."))
        else:
            count = len(submitted)
            messages.success(
                request,
                ngettext("%(count)d entry submitted.", "%(count)d entries submitted.", count)
                % {"count": count},
            )
        return redirect("comments:our_entries", slug)
    # Drafts left on an earlier version cannot be submitted: they are carried or discarded
    # from "My organisation" first.
    drafts = (
        list(services.drafts_to_submit(version, membership.organisation)) if version.is_open else []
    )
    attach_diffs(drafts)
    context = {
        "consultation": version.consultation,
        "version": version,
        "drafts": drafts,
        "membership": membership,
    } | _round_context(version, membership)
    return render(request, "comments/submit_all.html", context)


def _chosen_version(request, slug: str):
    """The version asked for with ``?version=<label>`` (default: the current one) and every
    version the user may see, for the switcher; 404 for an unknown or invisible label, and for
    a consultation with no draft yet."""
    consultation = get_consultation(slug)
    if not request.GET.get("version") and consultation.current_version() is None:
        raise Http404("This consultation has no draft yet.")
    version, versions = chosen_version(request, consultation)
    version.consultation = consultation
    return version, versions


def _ours_on(request, version, membership):
    """The organisation's entries on ``version`` (withdrawn ones left out), and the submitted
    ones of earlier versions that now sit on its paragraphs, each placed (``Placement``): a
    fixed number of queries, however many there are."""
    placement = Placement(version)
    entries = placement.place(
        Entry.objects.visible_to(request.user)
        .filter(Q(version=version) | placement.submitted(), organisation=membership.organisation)
        .exclude(status=Entry.Status.WITHDRAWN)
        .for_panel()
        .select_related("paragraph__version")
        .order_by("created", "pk")
    )
    return placement, entries


@require_GET
@login_required
def our_entries(request: HttpRequest, slug: str) -> HttpResponse:
    version, versions = _chosen_version(request, slug)
    membership = require_membership(request, version.consultation)
    _placement, entries = _ours_on(request, version, membership)
    # In the order they were made on: earlier versions first, then paragraph by paragraph.
    entries.sort(key=lambda e: (e.paragraph.version.order, e.paragraph.order, e.created, e.pk))
    # Drafts written on other versions than the open one wait to be carried or discarded.
    left_behind = left_behind_drafts(membership.organisation, version)
    context = {
        "consultation": version.consultation,
        "version": version,
        "versions": versions,
        "entries": entries,
        "left_behind": left_behind,
        "membership": membership,
        # Only what the submit-all page would submit: drafts on this version, when it is open.
        "drafts": sum(
            e.status == Entry.Status.DRAFT and e.version_id == version.pk for e in entries
        )
        if version.is_open
        else 0,
    } | _round_context(version, membership)
    return render(request, "comments/our_entries.html", context)


@require_GET
@login_required
def our_submission(request: HttpRequest, slug: str) -> HttpResponse:
    version, versions = _chosen_version(request, slug)
    membership = require_membership(request, version.consultation)
    placement, entries = _ours_on(request, version, membership)
    attach_diffs(entries)
    own: dict[int, list[Entry]] = {}
    carried: dict[int, list[Entry]] = {}
    gone = []
    for item in entries:
        if item.made_on is None:
            own.setdefault(item.paragraph_id, []).append(item)
        elif not item.sits:
            gone.append(item)  # its paragraph was deleted on the way to this version
        else:
            # A split paragraph continues in several: the entry is shown under each.
            for paragraph in item.sits:
                carried.setdefault(paragraph.pk, []).append(item)
    sections = []
    for paragraph in placement.paragraphs.values():
        if not sections or sections[-1]["section"].pk != paragraph.section_id:
            sections.append({"section": paragraph.section, "paragraphs": []})
        mine = own.get(paragraph.pk, [])
        sections[-1]["paragraphs"].append(
            {
                "paragraph": paragraph,
                "changes": [e for e in mine if e.kind in CHANGE_KINDS],
                "notes": [e for e in mine if e.kind == Entry.Kind.COMMENT],
                "additions": [e for e in mine if e.kind == Entry.Kind.NEW_PARAGRAPH],
                "carried": carried.get(paragraph.pk, []),
            }
        )
    context = {
        "consultation": version.consultation,
        "version": version,
        "versions": versions,
        "sections": sections,
        "gone": gone,
        "membership": membership,
        "count": len(entries),
    }
    return render(request, "comments/our_submission.html", context)
