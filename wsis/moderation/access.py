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


def submitted_entries(version: Version):
    """What facilitators work on: every submitted entry of the version, drafts never."""
    return Entry.objects.filter(version=version, status=Entry.Status.SUBMITTED)


def get_entry(consultation: Consultation, pk: int) -> Entry:
    queryset = Entry.objects.filter(
        version__consultation=consultation, status=Entry.Status.SUBMITTED
    ).select_related("paragraph__section", "organisation__group", "version", "duplicate_of")
    return get_object_or_404(queryset, pk=pk)
