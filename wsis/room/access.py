"""The one way views reach a reading.

Readings are held in closed informals: the room, its stream and its log are for the people of
organisations accredited to the consultation and for its facilitators, signed in. The pen is
the facilitators' alone, through the facilitator gate.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from wsis.drafts.access import get_version
from wsis.drafts.models import Version
from wsis.room.models import Reading
from wsis.stakeholders.access import participating_membership, require_facilitator


def require_reader(request: HttpRequest, version: Version) -> Version:
    """A participant of the consultation, or one of its facilitators (who must confirm a code
    first, as on every facilitator path)."""
    consultation = version.consultation
    if consultation.is_facilitator(request.user):
        require_facilitator(request, consultation)
    elif participating_membership(request, consultation) is None:
        raise PermissionDenied(
            _("Readings are followed by the organisations accredited to this consultation.")
        )
    return version


def get_readable_version(request: HttpRequest, slug: str, label: str) -> Version:
    return require_reader(request, get_version(slug, label, user=request.user))


def get_reading(request: HttpRequest, slug: str, label: str, number: int) -> Reading:
    version = get_readable_version(request, slug, label)
    return get_object_or_404(
        Reading.objects.select_related("version__consultation", "paragraph__section"),
        version=version,
        number=number,
    )


def get_reading_for_pen(request: HttpRequest, slug: str, label: str, number: int) -> Reading:
    """The reading, for a facilitator of its consultation (403 for anyone else)."""
    version = get_version(slug, label, user=request.user)
    require_facilitator(request, version.consultation)
    return get_object_or_404(
        Reading.objects.select_related("version__consultation", "paragraph__section"),
        version=version,
        number=number,
    )
