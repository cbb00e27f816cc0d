"""The one way into moderation: facilitators of the consultation, second factor if required.

``facilitator_view`` wraps every moderation view: anonymous visitors go to the sign-in
page, anyone who is not a facilitator of the consultation gets 403, and when
``FACILITATOR_REQUIRE_2FA`` is on a facilitator who has not confirmed a one-time code
in this session is sent to do so. The view receives the consultation.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from wsis.comments.models import Entry
from wsis.drafts.models import Consultation, Version


def needs_second_factor(request) -> bool:
    return settings.FACILITATOR_REQUIRE_2FA and not request.user.is_verified()


def get_consultation_for_facilitator(request, slug: str) -> Consultation:
    consultation = get_object_or_404(Consultation, slug=slug)
    if not consultation.is_facilitator(request.user):
        raise PermissionDenied
    return consultation


def facilitator_view(view):
    @login_required
    @wraps(view)
    def wrapped(request, slug, *args, **kwargs):
        consultation = get_consultation_for_facilitator(request, slug)
        if needs_second_factor(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('moderation:two_factor')}?{query}")
        return view(request, consultation, *args, **kwargs)

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
