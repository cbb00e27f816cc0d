"""The one way views reach entries and the paragraphs they are written on.

Each helper fetches, checks and raises: Http404 for what the user may not even see,
PermissionDenied for what they see but may not change.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from wsis.comments.models import Entry
from wsis.drafts.models import Paragraph
from wsis.stakeholders.access import active_membership
from wsis.stakeholders.models import Membership


def get_paragraph_by_id(pk: int) -> Paragraph:
    """Drafts are public: any paragraph may be read."""
    return get_object_or_404(
        Paragraph.objects.select_related("version__consultation", "version__round"),
        pk=pk,
    )


def require_membership(request: HttpRequest, *, focal_point: bool = False) -> Membership:
    membership = active_membership(request)
    if membership is None:
        raise PermissionDenied(_("Only members of an organisation can do this."))
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
    if found is None:
        raise Http404("No such entry.")
    return found


def _ours(request: HttpRequest, pk: int, *, focal_point: bool = False) -> tuple[Entry, Membership]:
    entry = get_entry_for_view(request, pk)
    membership = require_membership(request, focal_point=focal_point)
    if entry.organisation_id != membership.organisation_id:
        raise PermissionDenied(_("This entry belongs to another organisation."))
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
    membership = require_membership(request, focal_point=True)
    if entry.organisation_id == membership.organisation_id:
        raise PermissionDenied(_("You cannot support your own organisation's proposal."))
    if entry.status != Entry.Status.SUBMITTED or not entry.is_proposal:
        raise PermissionDenied(_("Only submitted proposals can be supported."))
    return entry, membership
