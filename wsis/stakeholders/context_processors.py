from django.http import HttpRequest

from wsis.drafts.models import Consultation
from wsis.stakeholders.access import (
    active_membership,
    facilitated_consultations,
    request_memberships,
)


def onboarding(request: HttpRequest) -> dict:
    """For the navigation: whom the user acts for, and the consultations they facilitate.

    Callables, so pages that do not show the navigation run no queries for it; each asked
    once per request, shared with the views that need the same (see ``access``).
    """
    return {
        "all_consultations": lambda: list(Consultation.objects.all()),
        "acting_for": lambda: active_membership(request),
        "my_memberships": lambda: request_memberships(request),
        "facilitated": lambda: facilitated_consultations(request),
    }
