"""The paragraph panel's pieces, rendered once per audience and cached (``wsis.cache``).

What a reader sees of a panel is named by the generations of the scopes it shows (published
entries, what facilitators see, each organisation's own, supports), so a delegate's draft renews
only their organisation's pieces. Each entry's HTML and the blank forms are cached by what they
show. The tokens (CSRF, the form's own against resending it) are slots filled per request.
"""

import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Paginator
from django.db.models import Count
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from wsis.cache import (
    CONTENT_SECONDS,
    ENTRIES_SECONDS,
    FACILITATED,
    PUBLIC,
    SUPPORTS,
    cached,
    cached_many,
    fill,
    generations,
    joined,
    key,
    organisation_scope,
    slot,
)
from wsis.comments.forms import EntryForm
from wsis.comments.models import PANEL_ORDER, Entry, Support, attach_diffs
from wsis.drafts.alignment import earlier_paragraphs
from wsis.stakeholders.access import facilitated_consultations, request_memberships

# Enough to read in one go on a slow link; the rest is a click away.
PAGE_SIZE = 20
# The four ways to add to a paragraph, in the order the panel offers them.
ADD_KINDS = [
    Entry.Kind.AMENDMENT,
    Entry.Kind.COMMENT,
    Entry.Kind.NEW_PARAGRAPH,
    Entry.Kind.DELETION,
]
CSRF_SLOT = "csrf"
FORM_SLOT = "form-token"


def blank_form(paragraph, kind) -> EntryForm:
    initial = {"kind": kind, "form_token": uuid.uuid4()}
    if kind == Entry.Kind.AMENDMENT:
        initial["proposed_text"] = paragraph.text
    return EntryForm(initial=initial, paragraph=paragraph)


def scopes(request) -> list[str]:
    """The audiences whose entries this reader may see on a panel (see ``visible_to``): the
    facilitators' if they facilitate any consultation, which ``entries_html`` keeps only on
    the panels of those. Known before the paragraph is, so that the panel reads all the
    generations it depends on at once."""
    if not request.user.is_authenticated:
        return [PUBLIC]
    organisations = sorted({m.organisation_id for m in request_memberships(request)})
    found = [PUBLIC] + [organisation_scope(pk) for pk in organisations]
    if facilitated_consultations(request):
        found.append(FACILITATED)
    return found


def notice_slot(entry_id: int) -> str:
    """The name of the slot beside an entry where the outcome of an action on it is said."""
    return f"notice-{entry_id}"


def _fill_tokens(request, html: str, notices: dict[str, str] | None = None) -> SafeString:
    """The CSRF token (asked only if the HTML has a form: asking sets the cookie), a new
    token for each form, and ``notices`` (slot name: HTML) beside their entries."""

    def value(name: str) -> str | None:
        if name == CSRF_SLOT:
            return get_token(request)
        if name == FORM_SLOT:
            return str(uuid.uuid4())
        return (notices or {}).get(name)

    return fill(html, value)


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

    def compute():
        by_entry = defaultdict(list)
        for entry_id, organisation_id in Support.objects.filter(
            entry__paragraph__in=[paragraph.pk, *earlier]
        ).values_list("entry_id", "organisation_id"):
            by_entry[entry_id].append(organisation_id)
        return {entry_id: tuple(sorted(ids)) for entry_id, ids in by_entry.items()}

    return cached(key("panel-supporters", paragraph.pk, generation), compute, ENTRIES_SECONDS)


def _entries_page(request, paragraph, membership, known):
    """A page of the entries this reader sees, their counts by kind and who supports each.

    ``known``: the generations read (``generations``; None: cache nothing).
    """
    earlier = earlier_paragraphs(paragraph, joined(known))
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
    paginator = Paginator(light, max(total, 1) if show_all else PAGE_SIZE)
    paginator.count = total  # counted above, by kind
    page = paginator.get_page(1 if show_all else request.GET.get("page"))
    supporters = _supporters(paragraph, earlier, joined(known, SUPPORTS))
    ours = membership.organisation_id if membership else None
    page.object_list = [_Shown(*row) for row in page.object_list]
    for entry in page.object_list:
        entry.supporter_ids = supporters.get(entry.pk, ())
        entry.is_ours = entry.organisation_id == ours
        entry.we_support = ours in entry.supporter_ids
    kinds = [(kind.label, by_kind[kind]) for kind in Entry.Kind if by_kind.get(kind)]
    return page, kinds, show_all


def _rendered_entries(entries, paragraph, membership) -> list[SafeString]:
    """Each entry as HTML (with its slots), from the cache when nothing it shows has changed
    since.

    A new entry on a long panel renews the panel, but not the other entries on its page;
    only the entries rendered anew are read whole.
    """
    focal = bool(membership and membership.is_focal_point)
    names = {}
    for entry in entries:
        shown = (
            entry.pk, entry.updated.timestamp(), entry.revision, entry.status, entry.moderation,
            entry.decision, entry.supporter_ids, entry.is_ours,
            entry.we_support, focal, paragraph.pk, paragraph.version_id, get_language(),
        )  # fmt: skip
        names[entry.pk] = key(
            "panel-entry", hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
        )
    light = {entry.pk: entry for entry in entries}

    def compute(missing: list[int]) -> dict[int, str]:
        whole = list(Entry.objects.filter(pk__in=missing).for_panel())
        attach_diffs(whole)
        context = {
            "paragraph": paragraph,
            "membership": membership,
            "csrf_token": slot(CSRF_SLOT),
            "time_zone": paragraph.version.consultation.time_zone,
        }
        rendered = {}
        for entry in whole:
            entry.supporters = [support.organisation for support in entry.supports.all()]
            entry.is_ours, entry.we_support = light[entry.pk].is_ours, light[entry.pk].we_support
            rendered[entry.pk] = render_to_string(
                "comments/_entry.html",
                context | {"entry": entry, "notice_slot": slot(notice_slot(entry.pk))},
            )
        return rendered

    found = cached_many(names, compute, ENTRIES_SECONDS)
    # Filled once the whole panel is.
    return [mark_safe(found[entry.pk]) for entry in entries]  # noqa: S308 - our template


def entries_html(request, paragraph, membership, known=None, notices=None) -> SafeString:
    """The panel's list of entries for this reader, rendered once per audience and page.

    Cached until an entry its audience sees changes (the same generations as the reader's
    counts, see ``scopes_of``); the CSRF token of the focal point's buttons is filled in
    per request. ``known``: the generations of ``SUPPORTS`` and ``scopes``, if the caller has
    read them (``generations``). ``notices``: HTML to show beside entries, by ``notice_slot``.
    """
    seen = scopes(request)
    if known is None:
        known = generations(SUPPORTS, *seen)
    consultation_id = paragraph.version.consultation_id
    if FACILITATED in seen and all(
        c.pk != consultation_id for c in facilitated_consultations(request)
    ):
        seen.remove(FACILITATED)
    page_asked = request.GET.get("page", "")
    if not (page_asked == "all" or (page_asked.isdigit() and len(page_asked) < 7)):
        page_asked = ""
    audience = ",".join(seen)
    if membership is not None:
        audience += f":ours={membership.organisation_id}:focal={membership.is_focal_point}"

    def compute():
        page, kinds, show_all = _entries_page(request, paragraph, membership, known)
        context = {
            "paragraph": paragraph,
            "page": page,
            "rendered": _rendered_entries(page.object_list, paragraph, membership),
            "kinds_counted": kinds,
            "show_all": show_all,
            "membership": membership,
            "csrf_token": slot(CSRF_SLOT),
        }
        return render_to_string("comments/_entries.html", context)

    # A support renews the panel too, as it changes what the panel shows.
    generation = joined(known, SUPPORTS, *seen)
    name = key("panel", paragraph.pk, generation, audience, page_asked, get_language())
    return _fill_tokens(request, cached(name, compute, ENTRIES_SECONDS), notices)


def add_forms_html(request, paragraph, bound: EntryForm | None) -> SafeString:
    """The four forms to add to a paragraph. Blank, they are the same for everyone but for
    their tokens (the form's, against resending it, and CSRF): rendered once per paragraph
    and language, the tokens filled in per request."""

    def compute():
        forms = []
        for kind in ADD_KINDS:
            if bound is not None and bound.data.get("kind") == kind:
                forms.append((kind, bound, True))
            else:
                form = blank_form(paragraph, kind)
                if bound is None:
                    form.initial["form_token"] = slot(FORM_SLOT)
                forms.append((kind, form, False))
        context = {
            "paragraph": paragraph,
            "forms": forms,
            "kinds": Entry.Kind,
            "csrf_token": slot(CSRF_SLOT),
        }
        return render_to_string("comments/_add_forms.html", context)

    name = key("panel-forms", paragraph.pk, paragraph.version_id, get_language())
    return _fill_tokens(request, cached(name if bound is None else None, compute, CONTENT_SECONDS))
