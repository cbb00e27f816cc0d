from django.http import HttpRequest

from wsis.drafts.models import Consultation
from wsis.stakeholders.access import (
    active_membership,
    awaits_second_factor,
    facilitated_consultations,
    request_memberships,
)


def onboarding(request: HttpRequest) -> dict:
    """For the navigation: whom the user acts for, the consultations they act as facilitator
    of, and whether they must confirm a second factor first.

    Callables, so pages that do not show the navigation run no queries for it; each asked
    once per request, shared with the views that need the same (see ``access``).
    """
    return {
        "all_consultations": lambda: list(Consultation.objects.all()),
        "acting_for": lambda: active_membership(request),
        "my_memberships": lambda: request_memberships(request),
        "facilitated": lambda: facilitated_consultations(request),
        "awaits_second_factor": lambda: awaits_second_factor(request),
    }
