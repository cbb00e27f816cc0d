"""A delegation's marked-up copy: uploaded, previewed proposal by proposal, and the chosen ones
saved as the organisation's drafts.

Between the preview and the confirmation the file is not kept: what it proposes travels with
the preview form, signed for this user, organisation and version, so nothing is uploaded twice
and nothing can be slipped in.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from wsis.comments import services
from wsis.comments.access import require_membership
from wsis.comments.forms import MarkupUploadForm
from wsis.comments.markup import Proposal, already_there
from wsis.comments.models import Entry, diff_pair
from wsis.drafts.access import get_version, require_open
from wsis.drafts.diff import cached_diffs

SALT = "wsis.comments.markup"
# A preview left open overnight may still be confirmed; one from last week is read again.
PREVIEW_MAX_AGE = 24 * 3600


def _open_version(request, slug):
    version = get_version(slug)
    membership = require_membership(request, version.consultation)
    require_open(version)
    return version, membership


def _owner(version, membership) -> dict:
    return {"version": version.pk, "organisation": membership.organisation_id}


def _page(request, version, membership, *, form=None, data=None, chosen=None, status=200):
    context = {
        "consultation": version.consultation,
        "version": version,
        "membership": membership,
        "form": form or MarkupUploadForm(version=version),
    }
    if data is not None:
        context |= _preview(version, membership, data, chosen)
        owner = _owner(version, membership) | {"user": request.user.pk}
        context["payload"] = signing.dumps(owner | {"reading": data}, salt=SALT, compress=True)
    return render(request, "comments/markup.html", context, status=status)


def _preview(version, membership, data, chosen) -> dict:
    """Each proposal with its word diff, ticked unless the organisation made it already (or
    as the user ticked it, when the form comes back)."""
    proposals = [Proposal(**p) for p in data["proposals"]]
    texts = dict(version.paragraphs.values_list("pk", "text"))
    pairs = [diff_pair(p.kind, texts[p.paragraph], p.proposed_text) for p in proposals]
    rendered = cached_diffs([pair for pair in pairs if pair is not None])
    made = already_there(version, membership.organisation, proposals)
    items = [
        {
            "index": index,
            "proposal": proposal,
            "kind": Entry.Kind(proposal.kind).label,
            "change": rendered[pair] if pair is not None else "",
            "made": index in made,
            "checked": index in chosen if chosen is not None else index not in made,
        }
        for index, (proposal, pair) in enumerate(zip(proposals, pairs, strict=True))
    ]
    return {"items": items, "reading": data}


@require_http_methods(["GET", "POST"])
@login_required
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    version, membership = _open_version(request, slug)
    if request.method == "GET":
        return _page(request, version, membership)
    form = MarkupUploadForm(request.POST, request.FILES, version=version)
    if not form.is_valid():
        return _page(request, version, membership, form=form, status=400)
    return _page(request, version, membership, data=form.cleaned_data["file"].as_data())


@require_POST
@login_required
def confirm(request: HttpRequest, slug: str) -> HttpResponse:
    version, membership = _open_version(request, slug)
    try:
        signed = signing.loads(request.POST.get("payload", ""), salt=SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        signed = None
    owner = _owner(version, membership) | {"user": request.user.pk}
    if signed is None or any(signed.get(k) != v for k, v in owner.items()):
        messages.error(
            request,
            _(
                "This preview has expired or is not yours: upload your copy again. "
                "Nothing was saved."
            ),
        )
        return redirect("comments:markup", slug)
    data = signed["reading"]
    proposals = [Proposal(**p) for p in data["proposals"]]
    chosen = {int(i) for i in request.POST.getlist("pick") if i.isascii() and i.isdigit()} & set(
        range(len(proposals))
    )
    if not chosen:
        messages.error(request, _("Tick at least one proposal to make it a draft."))
        return _page(request, version, membership, data=data, chosen=chosen, status=400)
    entries, outcome = services.import_markup(
        version, [proposals[i] for i in sorted(chosen)], organisation=membership.organisation,
        author=request.user, source=data, request=request,
    )  # fmt: skip
    count = len(entries)
    messages.success(
        request,
        ngettext(
            "%(count)d draft made from %(file)s.", "%(count)d drafts made from %(file)s.", count
        )
        % {"count": count, "file": data["filename"]},
    )
    if outcome == services.LATE:
        messages.error(
            request,
            _(
                "The comment round is closed for your organisation: the drafts are kept, "
                "but they can no longer be submitted."
            ),
        )
    return redirect("comments:our_entries", slug)
