"""Which organisation a signed-in person acts for.

A person may belong to several organisations (a consultant advising two
delegations); the one they act for is kept in the session and defaults to their
first membership. Every entry records the organisation it was made for.
"""

from django.http import HttpRequest

from wsis.stakeholders.models import Membership

SESSION_KEY = "acting_for"


def memberships_of(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user)
        .select_related("organisation__group")
        .order_by("organisation__name")
    )


def active_membership(request: HttpRequest) -> Membership | None:
    """The membership the user acts under now, or None for people of no organisation."""
    if hasattr(request, "_active_membership"):
        return request._active_membership
    memberships = memberships_of(request.user)
    chosen = request.session.get(SESSION_KEY) if memberships else None
    found = next((m for m in memberships if m.organisation_id == chosen), None)
    request._active_membership = found or (memberships[0] if memberships else None)
    return request._active_membership


def act_for(request: HttpRequest, organisation_id: int) -> Membership | None:
    """Switch the organisation the user acts for; None if they are not a member of it."""
    found = next(
        (m for m in memberships_of(request.user) if m.organisation_id == organisation_id), None
    )
    if found is not None:
        request.session[SESSION_KEY] = organisation_id
        request._active_membership = found
    return found
