"""The one way into moderation: through the facilitator gate.

``facilitator_view`` wraps every moderation view: anonymous visitors go to the sign-in
page, and the rest is the gate's (``wsis.stakeholders.access.facilitated_consultation``):
anyone who is not a facilitator of the consultation gets 403, a facilitator who has not
confirmed a one-time code when one is required is sent to do so. The view receives the
consultation.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from wsis.comments.models import Entry
from wsis.drafts.models import Consultation, Version
from wsis.stakeholders.access import facilitated_consultation


def facilitator_view(view):
    @login_required
    @wraps(view)
    def wrapped(request, slug, *args, **kwargs):
        return view(request, facilitated_consultation(request, slug), *args, **kwargs)

    return wrapped


def current_version(consultation: Consultation) -> Version:
    version = consultation.current_version()
    if version is None:
        raise PermissionDenied("This consultation has no draft yet.")
    return version


def chosen_version(request, consultation: Consultation) -> tuple[Version, list[Version]]:
    """The version asked for with ``?version=<label>`` (default: the current one) and every
    version of the consultation the user may see, for the switcher. A label that is unknown,
    or names a version the user may not see, answers 404 as if it did not exist."""
    versions = list(
        Version.objects.visible_to(request.user).filter(consultation=consultation).order_by("order")
    )
    label = request.GET.get("version", "")
    if not label:
        return current_version(consultation), versions
    version = next((v for v in versions if v.label == label), None)
    if version is None:
        raise Http404("No such version.")
    return version, versions


def get_entry(consultation: Consultation, pk: int) -> Entry:
    queryset = Entry.objects.filter(
        version__consultation=consultation, status=Entry.Status.SUBMITTED
    ).select_related("paragraph__section", "organisation__group", "version", "duplicate_of")
    return get_object_or_404(queryset, pk=pk)
