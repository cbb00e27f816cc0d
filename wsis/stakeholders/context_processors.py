from django.db.models import Count, Q
from django.http import HttpRequest

from wsis.drafts.models import Consultation
from wsis.stakeholders.access import active_membership, memberships_of


def onboarding(request: HttpRequest) -> dict:
    """For the navigation: whom the user acts for, and the consultations they facilitate.

    Callables, so pages that do not show the navigation run no queries for it.
    """

    def memberships():
        if not hasattr(request, "_memberships"):
            request._memberships = memberships_of(request.user)
        return request._memberships

    def facilitated():
        if not hasattr(request, "_facilitated"):
            user = request.user
            request._facilitated = (
                list(
                    Consultation.objects.filter(facilitators=user).annotate(
                        pending_requests=Count(
                            "accreditation_requests",
                            filter=Q(accreditation_requests__status="pending"),
                        )
                    )
                )
                if user.is_authenticated
                else []
            )
        return request._facilitated

    return {
        "all_consultations": lambda: list(Consultation.objects.all()),
        "acting_for": lambda: active_membership(request),
        "my_memberships": memberships,
        "facilitated": facilitated,
    }
