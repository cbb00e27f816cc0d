"""The one way views reach a silence procedure.

The silence page of a version is public, as the version is (``get_version``); its
procedure is changed only by the consultation's facilitators, through the gate; silence is
broken only by the focal point of an organisation accredited to the consultation, for that
organisation.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from wsis.drafts.access import get_version
from wsis.silence.models import Silence
from wsis.stakeholders.access import participating_membership, require_facilitator


def get_silenced_version(request: HttpRequest, slug: str, label: str):
    """The version (404 unless ``request.user`` may see it) and its newest silence, or None."""
    version = get_version(slug, label, user=request.user)
    return version, Silence.objects.latest_on(version)


def facilitated_version(request: HttpRequest, slug: str, label: str):
    """``get_silenced_version``, for a facilitator of its consultation (the gate) only."""
    version, silence = get_silenced_version(request, slug, label)
    require_facilitator(request, version.consultation)
    return version, silence


def facilitated_silence(request: HttpRequest, slug: str, label: str):
    """``facilitated_version`` with a silence procedure: 404 if the version never had one."""
    version, silence = facilitated_version(request, slug, label)
    if silence is None:
        raise Http404("This version has not been under silence.")
    return version, silence


def breaking_membership(request: HttpRequest, version):
    """The focal point's membership under which silence on ``version`` may be broken."""
    membership = participating_membership(request, version.consultation)
    if membership is None or not membership.is_focal_point:
        raise PermissionDenied
    return membership


def focal_membership_of(request: HttpRequest, version):
    """``breaking_membership`` or None, for pages that show the form only to those who may."""
    try:
        return breaking_membership(request, version)
    except PermissionDenied:
        return None
