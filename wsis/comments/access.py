"""The one way views reach entries and the paragraphs they are written on.

Each helper fetches, checks and raises: Http404 for what the user may not even see,
PermissionDenied for what they see but may not change.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from wsis.cache import STRUCTURE_SECONDS, cached, key
from wsis.comments.models import Entry
from wsis.drafts.access import require_open, require_visible
from wsis.drafts.models import CommentRound, Consultation, DeadlineExtension, Paragraph, Version
from wsis.stakeholders.access import active_membership, participating_membership
from wsis.stakeholders.models import Membership


def get_paragraph_by_id(request: HttpRequest, pk: int) -> Paragraph:
    """A paragraph of a version the user may see (published, or theirs to prepare)."""
    paragraph = get_object_or_404(
        Paragraph.objects.select_related("version__consultation", "version__round"),
        pk=pk,
    )
    require_visible(paragraph.version, request.user)
    return paragraph


def get_paragraph_for_entry(request: HttpRequest, pk: int) -> Paragraph:
    """A paragraph to write a new entry on: of a version open for comments."""
    paragraph = get_paragraph_by_id(request, pk)
    require_open(paragraph.version)
    return paragraph


def get_paragraph_for_panel(request: HttpRequest, pk: int, generation: str | None) -> Paragraph:
    """``get_paragraph_by_id`` with the round's extensions, cached until a consultation,
    version, round, extension or paragraph changes: panels are opened far more often than any
    of these change. For reading only: a write checks the round again in its own transaction
    (``round_is_open``).

    ``generation``: the global and ``PARAGRAPHS`` generations (``wsis.cache.joined``; None:
    cache nothing), read by the panel with the others it depends on.
    """
    rows = cached(
        key("panel-paragraph", pk, generation), lambda: _panel_rows(pk), STRUCTURE_SECONDS
    )
    paragraph = _panel_paragraph(rows)
    # Checked on the cached paragraph too: a publication renews it with the version's status.
    require_visible(paragraph.version, request.user)
    return paragraph


def _row(instance) -> tuple:
    return tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)


def _instance(model, row):
    return model.from_db("default", [field.attname for field in model._meta.concrete_fields], row)


def _panel_rows(pk: int) -> dict:
    """What a panel shows of its paragraph, version, consultation and round, as plain rows."""
    paragraph = get_object_or_404(
        Paragraph.objects.select_related(
            "version__consultation", "version__round"
        ).prefetch_related("version__round__extensions"),
        pk=pk,
    )
    version = paragraph.version
    found = getattr(version, "round", None)
    return {
        "paragraph": _row(paragraph),
        "version": _row(version),
        "consultation": _row(version.consultation),
        "round": _row(found) if found else None,
        "extensions": [_row(e) for e in found.extensions.all()] if found else [],
    }


def _panel_paragraph(rows: dict) -> Paragraph:
    """The paragraph of ``_panel_rows``, with its version, consultation, round and extensions
    in place, as the query with ``select_related`` and ``prefetch_related`` leaves them."""
    paragraph = _instance(Paragraph, rows["paragraph"])
    version = _instance(Version, rows["version"])
    version.consultation = _instance(Consultation, rows["consultation"])
    paragraph.version = version
    if rows["round"] is None:
        Version.round.related.set_cached_value(version, None)
        return paragraph
    found = _instance(CommentRound, rows["round"])
    version.round = found
    extensions = found.extensions.all()
    # As prefetch_related stores them, so that ``closes_at_for`` asks nothing more.
    extensions._result_cache = [_instance(DeadlineExtension, row) for row in rows["extensions"]]
    extensions._prefetch_done = True
    found._prefetched_objects_cache = {"extensions": extensions}
    return paragraph


def require_membership(
    request: HttpRequest, consultation, *, focal_point: bool = False
) -> Membership:
    """The membership the user acts under, for an organisation accredited to ``consultation``."""
    membership = active_membership(request)
    if membership is None:
        raise PermissionDenied(_("Only members of an organisation can do this."))
    if participating_membership(request, consultation) is None:
        raise PermissionDenied(
            _("%(organisation)s is not accredited to this consultation.")
            % {"organisation": membership.organisation.name}
        )
    if focal_point and not membership.is_focal_point:
        raise PermissionDenied(_("Only your organisation's focal point can do this."))
    return membership


def get_entry_for_view(request: HttpRequest, pk: int) -> Entry:
    entries = Entry.objects.visible_to(request.user).select_related(
        "paragraph__section",
        "version__consultation",
        "version__round",
        "organisation__group",
        "author",
    )
    found = entries.filter(pk=pk).first()
    if found is None or not found.version.is_visible_to(request.user):
        raise Http404("No such entry.")
    return found


def _ours(request: HttpRequest, pk: int, *, focal_point: bool = False) -> tuple[Entry, Membership]:
    entry = get_entry_for_view(request, pk)
    membership = require_membership(request, entry.version.consultation, focal_point=focal_point)
    if entry.organisation_id != membership.organisation_id:
        raise PermissionDenied(_("This entry belongs to another organisation."))
    require_open(entry.version)
    return entry, membership


def get_entry_for_edit(request: HttpRequest, pk: int) -> tuple[Entry, Membership]:
    """A draft of the user's organisation: any of its members may edit it."""
    entry, membership = _ours(request, pk)
    if entry.status != Entry.Status.DRAFT:
        raise PermissionDenied(_("Only drafts can be edited; this entry was submitted."))
    return entry, membership


def get_entry_for_focal_point(request: HttpRequest, pk: int) -> tuple[Entry, Membership]:
    """An entry of the user's organisation, for its focal point to submit or withdraw."""
    return _ours(request, pk, focal_point=True)


def get_entry_for_support(request: HttpRequest, pk: int) -> tuple[Entry, Membership]:
    """Another organisation's submitted proposal, for a focal point to join."""
    entry = get_entry_for_view(request, pk)
    membership = require_membership(request, entry.version.consultation, focal_point=True)
    if entry.organisation_id == membership.organisation_id:
        raise PermissionDenied(_("You cannot support your own organisation's proposal."))
    if entry.status != Entry.Status.SUBMITTED or not entry.is_proposal:
        raise PermissionDenied(_("Only submitted proposals can be supported."))
    require_open(entry.version)
    return entry, membership


def _our_draft(request: HttpRequest, pk: int) -> tuple[Entry, Membership]:
    """A draft of the user's organisation, on any version (no ``require_open``: a draft left
    on a superseded version must still be carried or discarded)."""
    entry = get_entry_for_view(request, pk)
    membership = require_membership(request, entry.version.consultation)
    if entry.organisation_id != membership.organisation_id:
        raise PermissionDenied(_("This entry belongs to another organisation."))
    if entry.status != Entry.Status.DRAFT:
        raise PermissionDenied(
            _("Submitted entries are never deleted or moved: withdraw it instead.")
        )
    return entry, membership


def get_draft_for_delete(request: HttpRequest, pk: int) -> tuple[Entry, Membership]:
    """A draft its author, or the focal point of its organisation, may delete."""
    entry, membership = _our_draft(request, pk)
    if entry.author_id != request.user.pk and not membership.is_focal_point:
        raise PermissionDenied(
            _("Only its author or your organisation's focal point can delete this draft.")
        )
    return entry, membership


def get_draft_for_carry(request: HttpRequest, pk: int) -> tuple[Entry, Membership]:
    """A draft left on a superseded version, which any member may carry forward (as any member
    may edit it)."""
    return _our_draft(request, pk)
