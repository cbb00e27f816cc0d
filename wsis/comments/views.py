import functools
import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wsis.comments import services
from wsis.comments.access import (
    get_entry_for_edit,
    get_entry_for_focal_point,
    get_entry_for_support,
    get_entry_for_view,
    get_paragraph_by_id,
    get_paragraph_for_entry,
    get_paragraph_for_panel,
    require_membership,
)
from wsis.comments.forms import MAX_LENGTH, EntryForm
from wsis.comments.models import (
    FACILITATED,
    PANEL_ORDER,
    PARAGRAPHS,
    PUBLIC,
    SUPPORTS,
    Entry,
    Support,
    attach_diffs,
    diff_pair,
    organisation_scope,
)
from wsis.drafts.access import get_version
from wsis.drafts.alignment import earlier_paragraphs
from wsis.drafts.diff import diff_html
from wsis.drafts.models import CommentRound
from wsis.generations import generations, joined_generation
from wsis.stakeholders.access import (
    active_membership,
    acts_as_facilitator,
    facilitated_consultations,
    request_memberships,
)
from wsis.throttle import LimitReached

# Enough to read in one go on a slow link; the rest is a click away.
PANEL_PAGE_SIZE = 20
# Writes that send no signal (QuerySet.update, bulk_create) show within this delay at worst.
PANEL_CACHE_SECONDS = 300
# What depends only on a paragraph's text, which never changes once imported.
READER_CACHE_SECONDS = 24 * 3600
CHANGE_KINDS = (Entry.Kind.AMENDMENT, Entry.Kind.DELETION)
# The four ways to add to a paragraph, in the order the panel offers them.
ADD_KINDS = [
    Entry.Kind.AMENDMENT,
    Entry.Kind.COMMENT,
    Entry.Kind.NEW_PARAGRAPH,
    Entry.Kind.DELETION,
]


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
    }


def _blank_form(paragraph, kind) -> EntryForm:
    initial = {"kind": kind, "form_token": uuid.uuid4()}
    if kind == Entry.Kind.AMENDMENT:
        initial["proposed_text"] = paragraph.text
    return EntryForm(initial=initial, paragraph=paragraph)


def _panel_scopes(request) -> list[str]:
    """The audiences whose entries this reader may see on a panel (see ``visible_to``): the
    facilitators' if they facilitate any consultation, which ``_entries_html`` keeps only on
    the panels of those. Known before the paragraph is, so that the panel reads all the
    generations it depends on at once."""
    if not request.user.is_authenticated:
        return [PUBLIC]
    organisations = sorted({m.organisation_id for m in request_memberships(request)})
    scopes = [PUBLIC] + [organisation_scope(pk) for pk in organisations]
    if facilitated_consultations(request):
        scopes.append(FACILITATED)
    return scopes


@dataclass(slots=True)
class _Shown:
    """What names an entry's cached HTML in ``_rendered_entries``: a page of the panel reads
    only these columns (and who supports each entry), and the whole entry only when its HTML
    is not cached. Plain values, not model instances, as the page is read on every renewal."""

    pk: int
    updated: datetime
    revision: int
    status: str
    moderation: str
    decision: str
    organisation_id: int
    supporter_ids: tuple[int, ...] = ()
    is_ours: bool = False
    we_support: bool = False


# The columns of ``_Shown``, in its order.
SHOWN_FIELDS = ("pk", "updated", "revision", "status", "moderation", "decision", "organisation")


def _supporters(paragraph, earlier, generation) -> dict[int, tuple[int, ...]]:
    """Who supports each entry on the paragraph, whoever may see it (only the entries a reader
    sees are looked up). Cached until a support changes (``SUPPORTS``), so that a publication,
    which renews the panel's page, does not cost this query too."""
    key = f"panel-supporters:{paragraph.pk}:{generation}"
    found = cache.get(key) if generation else None
    if found is None:
        by_entry = defaultdict(list)
        for entry_id, organisation_id in Support.objects.filter(
            entry__paragraph__in=[paragraph.pk, *earlier]
        ).values_list("entry_id", "organisation_id"):
            by_entry[entry_id].append(organisation_id)
        found = {entry_id: tuple(sorted(ids)) for entry_id, ids in by_entry.items()}
        if generation:
            cache.set(key, found, PANEL_CACHE_SECONDS)
    return found


def _entries_page(request, paragraph, membership, known):
    """A page of the entries this reader sees, their counts by kind and who supports each.

    ``known``: the generations read (``generations``; None: cache nothing).
    """
    earlier = earlier_paragraphs(paragraph, joined_generation(known))
    # Who the reader is was asked once for this request already (the scopes, the navigation).
    entries = Entry.objects.visible_to(
        request.user,
        organisation_ids=[m.organisation_id for m in request_memberships(request)],
        consultation_ids=[c.pk for c in facilitated_consultations(request)],
    ).on_paragraph(paragraph, earlier)
    by_kind = dict(
        entries.order_by().values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
    total = sum(by_kind.values())
    show_all = request.GET.get("page") == "all"
    light = entries.order_by(*PANEL_ORDER).values_list(*SHOWN_FIELDS)
    paginator = Paginator(light, max(total, 1) if show_all else PANEL_PAGE_SIZE)
    paginator.count = total  # counted above, by kind
    page = paginator.get_page(1 if show_all else request.GET.get("page"))
    supporters = _supporters(paragraph, earlier, joined_generation(known, SUPPORTS))
    ours = membership.organisation_id if membership else None
    page.object_list = [_Shown(*row) for row in page.object_list]
    for entry in page.object_list:
        entry.supporter_ids = supporters.get(entry.pk, ())
        entry.is_ours = entry.organisation_id == ours
        entry.we_support = ours in entry.supporter_ids
    kinds = [(kind.label, by_kind[kind]) for kind in Entry.Kind if by_kind.get(kind)]
    return page, kinds, show_all


def _rendered_entries(entries, paragraph, membership) -> list[str]:
    """Each entry as HTML, from the cache when nothing it shows has changed since.

    A new entry on a long panel renews the panel, but not the other entries on its page;
    only the entries rendered anew are read whole.
    """
    focal = bool(membership and membership.is_focal_point)
    keys = {}
    for entry in entries:
        shown = (
            entry.pk, entry.updated.timestamp(), entry.revision, entry.status, entry.moderation,
            entry.decision, entry.supporter_ids, entry.is_ours,
            entry.we_support, focal, paragraph.pk, paragraph.version_id, get_language(),
        )  # fmt: skip
        digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
        keys[entry.pk] = f"panel-entry:{digest}"
    found = cache.get_many(keys.values())
    missing = [entry for entry in entries if keys[entry.pk] not in found]
    if missing:
        whole = list(Entry.objects.filter(pk__in=[entry.pk for entry in missing]).for_panel())
        attach_diffs(whole)
        context = {"paragraph": paragraph, "membership": membership, "csrf_token": _csrf_slot()}
        light = {entry.pk: entry for entry in missing}
        for entry in whole:
            entry.supporters = [support.organisation for support in entry.supports.all()]
            entry.is_ours, entry.we_support = light[entry.pk].is_ours, light[entry.pk].we_support
            html = render_to_string("comments/_entry.html", context | {"entry": entry})
            found[keys[entry.pk]] = html
        cache.set_many(
            {keys[entry.pk]: found[keys[entry.pk]] for entry in missing}, PANEL_CACHE_SECONDS
        )
    return [mark_safe(found[keys[entry.pk]]) for entry in entries]  # noqa: S308 - our template


def _entries_html(request, paragraph, membership, known=None) -> str:
    """The panel's list of entries for this reader, rendered once per audience and page.

    Cached until an entry its audience sees changes (the same generations as the reader's
    counts, see ``scopes_of``); the CSRF token of the focal point's buttons is filled in
    per request. ``known``: the generations of ``SUPPORTS`` and ``_panel_scopes``, if the
    caller has read them (``generations``).
    """
    scopes = _panel_scopes(request)
    if known is None:
        known = generations(SUPPORTS, *scopes)
    consultation_id = paragraph.version.consultation_id
    if FACILITATED in scopes and all(
        c.pk != consultation_id for c in facilitated_consultations(request)
    ):
        scopes.remove(FACILITATED)
    page_asked = request.GET.get("page", "")
    if not (page_asked == "all" or (page_asked.isdigit() and len(page_asked) < 7)):
        page_asked = ""
    audience = ",".join(scopes)
    if membership is not None:
        audience += f":ours={membership.organisation_id}:focal={membership.is_focal_point}"
    # A support renews the panel too, as it changes what the panel shows.
    generation = joined_generation(known, SUPPORTS, *scopes)
    key = f"panel:{paragraph.pk}:{generation}:{audience}:{page_asked}:{get_language()}"
    html = cache.get(key) if generation else None
    if html is None:
        page, kinds, show_all = _entries_page(request, paragraph, membership, known)
        context = {
            "paragraph": paragraph,
            "page": page,
            "rendered": _rendered_entries(page.object_list, paragraph, membership),
            "kinds_counted": kinds,
            "show_all": show_all,
            "membership": membership,
            "csrf_token": _csrf_slot(),
        }
        html = render_to_string("comments/_entries.html", context)
        if generation:
            cache.set(key, html, PANEL_CACHE_SECONDS)
    if _csrf_slot() in html:
        html = html.replace(_csrf_slot(), get_token(request))
    return mark_safe(html)  # noqa: S308 - rendered by our own template, user text escaped


@functools.cache
def _csrf_slot() -> str:
    """Stands for the CSRF token in cached HTML; derived from the secret key, so the same
    in every worker and not something a delegate could type."""
    return "csrf" + salted_hmac("panel-csrf-slot", "slot", algorithm="sha256").hexdigest()


def _add_forms_html(request, paragraph, bound: EntryForm | None) -> str:
    """The four forms to add to a paragraph. Blank, they are the same for everyone but for
    their tokens (the form's, against resending it, and CSRF): rendered once per paragraph
    and language, the tokens filled in per request."""
    key = f"panel-forms:{paragraph.pk}:{paragraph.version_id}:{get_language()}"
    html = cache.get(key) if bound is None else None
    if html is None:
        forms = []
        for i, kind in enumerate(ADD_KINDS):
            if bound is not None and bound.data.get("kind") == kind:
                forms.append((kind, bound, True))
            else:
                form = _blank_form(paragraph, kind)
                if bound is None:
                    form.initial["form_token"] = f"{_csrf_slot()}-form-{i}"
                forms.append((kind, form, False))
        context = {
            "paragraph": paragraph,
            "forms": forms,
            "kinds": Entry.Kind,
            "csrf_token": _csrf_slot(),
        }
        html = render_to_string("comments/_add_forms.html", context)
        if bound is None:
            cache.set(key, html, READER_CACHE_SECONDS)
    for i in range(len(ADD_KINDS)):
        html = html.replace(f"{_csrf_slot()}-form-{i}", str(uuid.uuid4()))
    return mark_safe(html.replace(_csrf_slot(), get_token(request)))  # noqa: S308 - ours


def _panel_context(request, paragraph, bound: EntryForm | None, known) -> dict:
    membership = active_membership(request)
    version = paragraph.version
    return {
        "paragraph": paragraph,
        "version": version,
        "consultation": version.consultation,
        "entries_html": _entries_html(request, paragraph, membership, known),
        "membership": membership,
        "add_forms_html": _add_forms_html(request, paragraph, bound) if membership else "",
    } | _round_context(version, membership)


def _render_panel(request, paragraph, bound=None, status=200, known=None) -> HttpResponse:
    template = "comments/panel.html#panel" if request.htmx else "comments/panel.html"
    context = _panel_context(request, paragraph, bound, known)
    return render(request, template, context, status=status)


def _after_change(request, entry: Entry) -> HttpResponse:
    if request.htmx:
        return _render_panel(request, entry.paragraph)
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return HttpResponseRedirect(target)  # a URL, never a view name
    return redirect("comments:entry", entry.pk)


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
    known = generations(PARAGRAPHS, SUPPORTS, *_panel_scopes(request))
    paragraph = get_paragraph_for_panel(request, pk, joined_generation(known, PARAGRAPHS))
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
        return _render_panel(request, paragraph)
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
    editable = ours and entry.status == Entry.Status.DRAFT
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
    supported = focal and any(o.pk == membership.organisation_id for o in entry.supporters)
    return {
        "entry": entry,
        "paragraph": entry.paragraph,
        "consultation": entry.version.consultation,
        "membership": membership,
        "form": form if editable else None,
        "conflict": conflict,
        "can_submit": focal and ours and entry.status == Entry.Status.DRAFT,
        "can_withdraw": focal and ours and entry.status == Entry.Status.SUBMITTED,
        "can_support": (
            focal
            and not ours
            and entry.is_proposal
            and entry.status == Entry.Status.SUBMITTED
            and not supported
        ),
        "can_withdraw_support": supported and not ours and entry.status == Entry.Status.SUBMITTED,
        "is_facilitator": acts_as_facilitator(request.user, entry.version.consultation),
    } | _round_context(entry.version, membership)


@require_GET
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_entry_for_view(request, pk)
    return render(
        request, "comments/entry.html", _entry_context(request, found, active_membership(request))
    )


@require_POST
@login_required
def save(request: HttpRequest, pk: int) -> HttpResponse:
    found, membership = get_entry_for_edit(request, pk)
    form = EntryForm(request.POST, paragraph=found.paragraph)
    if not form.is_valid():
        messages.error(request, _("Nothing was saved: please correct the text below."))
        context = _entry_context(request, found, membership, form=form)
        return render(request, "comments/entry.html", context, status=400)
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
        return render(request, "comments/entry.html", context, status=409)
    except services.NotAllowed as exc:
        raise PermissionDenied from exc
    if outcome == services.LATE:
        _late_message(request, saved)
    elif outcome == services.UNCHANGED:
        messages.info(request, _("No changes to save."))
    else:
        messages.success(request, _("Draft saved."))
    return redirect("comments:entry", saved.pk)


@require_POST
@login_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    found, membership = get_entry_for_focal_point(request, pk)
    try:
        outcome = services.submit(found, membership=membership, request=request)
    except services.NotAllowed as exc:
        raise PermissionDenied(_("A withdrawn entry cannot be submitted again.")) from exc
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
    _report(
        request,
        services.support(found, membership=membership, request=request),
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
    _report(
        request,
        services.withdraw_support(found, membership=membership, request=request),
        late=_("The comment round is closed: support can no longer be withdrawn."),
        already=_("Your organisation does not support this proposal."),
        done=_("%(organisation)s no longer supports this proposal.")
        % {"organisation": membership.organisation.name},
    )
    return _after_change(request, found)


@require_http_methods(["GET", "POST"])
@login_required
def submit_all(request: HttpRequest, slug: str) -> HttpResponse:
    version = get_version(slug)
    membership = require_membership(request, version.consultation, focal_point=True)
    if request.method == "POST":
        # isdigit() alone lets "²" through, which int() refuses.
        ids = [int(i) for i in request.POST.getlist("entry") if i.isascii() and i.isdigit()]
        submitted, outcome = services.submit_all(
            version, membership=membership, entry_ids=ids, request=request
        )
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
    drafts = list(services.drafts_to_submit(version, membership.organisation))
    attach_diffs(drafts)
    context = {
        "consultation": version.consultation,
        "version": version,
        "drafts": drafts,
        "membership": membership,
    } | _round_context(version, membership)
    return render(request, "comments/submit_all.html", context)


@require_GET
@login_required
def our_entries(request: HttpRequest, slug: str) -> HttpResponse:
    version = get_version(slug)
    membership = require_membership(request, version.consultation)
    entries = list(
        Entry.objects.visible_to(request.user)
        .filter(organisation=membership.organisation, version__consultation=version.consultation)
        .for_panel()
        .order_by("version__order", "paragraph__order", "created", "pk")
    )
    context = {
        "consultation": version.consultation,
        "version": version,
        "entries": entries,
        "membership": membership,
        "drafts": sum(e.status == Entry.Status.DRAFT for e in entries),
    } | _round_context(version, membership)
    return render(request, "comments/our_entries.html", context)


@require_GET
@login_required
def our_submission(request: HttpRequest, slug: str) -> HttpResponse:
    version = get_version(slug)
    membership = require_membership(request, version.consultation)
    entries = list(
        Entry.objects.visible_to(request.user)
        .filter(organisation=membership.organisation, paragraph__version=version)
        .exclude(status=Entry.Status.WITHDRAWN)
        .for_panel()
        .order_by("created", "pk")
    )
    attach_diffs(entries)
    by_paragraph: dict[int, list[Entry]] = {}
    for item in entries:
        by_paragraph.setdefault(item.paragraph_id, []).append(item)
    sections = []
    for paragraph in version.paragraphs.in_document_order():
        if not sections or sections[-1]["section"].pk != paragraph.section_id:
            sections.append({"section": paragraph.section, "paragraphs": []})
        mine = by_paragraph.get(paragraph.pk, [])
        sections[-1]["paragraphs"].append(
            {
                "paragraph": paragraph,
                "changes": [
                    e for e in mine if e.kind in (Entry.Kind.AMENDMENT, Entry.Kind.DELETION)
                ],
                "notes": [e for e in mine if e.kind == Entry.Kind.COMMENT],
                "additions": [e for e in mine if e.kind == Entry.Kind.NEW_PARAGRAPH],
            }
        )
    context = {
        "consultation": version.consultation,
        "version": version,
        "sections": sections,
        "membership": membership,
        "count": len(entries),
    }
    return render(request, "comments/our_submission.html", context)
