"""Which organisation a signed-in person acts for.

A person may belong to several organisations (a consultant advising two
delegations); the one they act for is kept in the session and defaults to their
first membership. Every entry records the organisation it was made for.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from wsis.drafts.models import Consultation
from wsis.stakeholders.models import AccreditationRequest, Invitation, Membership

SESSION_KEY = "acting_for"


def memberships_of(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user)
        .select_related("organisation__group")
        .order_by("organisation__name")
    )


def request_memberships(request: HttpRequest) -> list[Membership]:
    """``memberships_of`` the signed-in user, asked once per request."""
    if not hasattr(request, "_memberships"):
        request._memberships = memberships_of(request.user)
    return request._memberships


def facilitated_consultations(request: HttpRequest) -> list[Consultation]:
    """The consultations the signed-in user facilitates, with their pending accreditation
    requests counted (for the navigation); asked once per request."""
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


def active_membership(request: HttpRequest) -> Membership | None:
    """The membership the user acts under now, or None for people of no organisation."""
    if hasattr(request, "_active_membership"):
        return request._active_membership
    memberships = request_memberships(request)
    chosen = request.session.get(SESSION_KEY) if memberships else None
    found = next((m for m in memberships if m.organisation_id == chosen), None)
    request._active_membership = found or (memberships[0] if memberships else None)
    return request._active_membership


def participating_membership(request: HttpRequest, consultation) -> Membership | None:
    """``active_membership``, if its organisation is accredited to ``consultation``: the one
    way to take part in a consultation (write, submit, support, compile its submission)."""
    membership = active_membership(request)
    if membership is None:
        return None
    accredited = getattr(request, "_accredited", {})
    key = (membership.organisation_id, consultation.pk)
    if key not in accredited:
        accredited[key] = membership.organisation.is_accredited_to(consultation)
        request._accredited = accredited
    return membership if accredited[key] else None


def act_for(request: HttpRequest, organisation_id: int) -> Membership | None:
    """Switch the organisation the user acts for; None if they are not a member of it."""
    found = next(
        (m for m in memberships_of(request.user) if m.organisation_id == organisation_id), None
    )
    if found is not None:
        request.session[SESSION_KEY] = organisation_id
        request._active_membership = found
    return found


def facilitated_consultation(request: HttpRequest, slug: str) -> Consultation:
    """The consultation, if the signed-in user facilitates it."""
    consultation = get_object_or_404(Consultation, slug=slug)
    if not consultation.is_facilitator(request.user):
        raise PermissionDenied
    return consultation


def get_accreditation_request(request: HttpRequest, slug: str, pk: int) -> AccreditationRequest:
    consultation = facilitated_consultation(request, slug)
    return get_object_or_404(
        AccreditationRequest.objects.select_related("group", "consultation"),
        consultation=consultation,
        pk=pk,
    )


def focal_membership(request: HttpRequest) -> Membership:
    """The membership the user acts under, if it makes them the focal point of it."""
    membership = active_membership(request)
    if membership is None or not membership.is_focal_point:
        raise PermissionDenied
    return membership


def get_delegate(request: HttpRequest, pk: int) -> Membership:
    """A delegate of the organisation its focal point acts for; other people are not theirs."""
    focal = focal_membership(request)
    return get_object_or_404(
        Membership.objects.select_related("user", "organisation"),
        pk=pk,
        organisation=focal.organisation,
        role=Membership.Role.DELEGATE,
    )


def get_invitation_of_organisation(request: HttpRequest, pk: int) -> Invitation:
    focal = focal_membership(request)
    return get_object_or_404(Invitation, pk=pk, organisation=focal.organisation)


def invitation_by_token(token: str) -> Invitation:
    """The invitation a link stands for, open or not (the page explains which); 404 if none."""
    if len(token) > 100:
        raise Http404
    return get_object_or_404(
        Invitation.objects.select_related("organisation", "consultation", "invited_by"),
        token_hash=Invitation.hash(token),
    )
