"""Which organisation a signed-in person acts for, and the facilitator gate.

A person may belong to several organisations (a consultant advising two
delegations); the one they act for is kept in the session and defaults to their
first membership. Every entry records the organisation it was made for.

Facilitator powers are reached through the gate below and nowhere else: a facilitator of a
consultation acts as one only once they have confirmed a one-time code in this session, when
``FACILITATOR_REQUIRE_2FA`` is on. Until then they see what a plain participant sees, and a
facilitator-only page sends them to confirm a code (``SecondFactorRequired``, turned into a
redirect by ``SecondFactorMiddleware``).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from wsis.drafts.models import Consultation, second_factor_missing
from wsis.stakeholders import people
from wsis.stakeholders.models import AccreditationRequest, Invitation, Membership, Organisation

SESSION_KEY = "acting_for"


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their organisations and groups, read now."""
    if not user.is_authenticated:
        return []
    return people.state(user.pk, None)["memberships"]


def person(request: HttpRequest) -> dict:
    """The signed-in person's memberships and the consultations they facilitate, whatever their
    second factor (``people.state``), cached; asked once per request. The generations read for
    it are kept (``request_generations``) for the other pieces the page names by them."""
    if not hasattr(request, "_person"):
        user = request.user
        if user.is_authenticated:
            request._generations = people.generations(user.pk)
            request._person = people.state(user.pk, request._generations)
            for membership in request._person["memberships"]:
                membership.user = user  # what every write records as its actor
        else:
            request._generations, request._person = None, {"memberships": [], "facilitated": []}
    return request._person


def request_generations(request: HttpRequest) -> dict | None:
    """The generations read for the signed-in person (``person``), None if unknown."""
    person(request)
    return request._generations


def request_memberships(request: HttpRequest) -> list[Membership]:
    """``memberships_of`` the signed-in user, asked once per request (and cached: ``person``)."""
    return person(request)["memberships"]


# The facilitator gate ----------------------------------------------------------------------


class SecondFactorRequired(PermissionDenied):
    """A facilitator-only path reached by a facilitator who has not confirmed a one-time code
    in this session. A PermissionDenied, so that wherever it is not turned into the redirect
    to the second-factor page it still refuses."""


def facilitator_consultation_ids(user):
    """The ids of the consultations ``user`` acts as facilitator of now (a queryset)."""
    through = Consultation.facilitators.through.objects
    if not user.is_authenticated or second_factor_missing(user):
        return through.none().values("consultation_id")
    return through.filter(user_id=user.pk).values("consultation_id")


def acts_as_facilitator(user, consultation: Consultation) -> bool:
    """Whether ``user`` may use facilitator powers on ``consultation`` now, for views that
    show facilitators more than others; a facilitator-only view calls ``require_facilitator``."""
    return consultation.is_facilitator(user) and not second_factor_missing(user)


def require_facilitator(request: HttpRequest, consultation: Consultation) -> Consultation:
    """The gate of every facilitator-only path: 403 for anyone but a facilitator of
    ``consultation``, the second-factor page for a facilitator who has not confirmed a code."""
    if not consultation.is_facilitator(request.user):
        raise PermissionDenied
    if second_factor_missing(request.user):
        raise SecondFactorRequired
    return consultation


def awaits_second_factor(request: HttpRequest) -> bool:
    """Whether the user facilitates a consultation but must confirm a code first (for the
    navigation, which then shows the way to do it)."""
    user = request.user
    return (
        user.is_authenticated
        and second_factor_missing(user)
        and user.facilitated_consultations.exists()
    )


def facilitated_consultations(request: HttpRequest) -> list[Consultation]:
    """The consultations the signed-in user acts as facilitator of now, with their pending
    accreditation requests counted (for the navigation); asked once per request (and cached:
    ``person``), the second factor checked on each (it is per session)."""
    if second_factor_missing(request.user):
        return []
    return person(request)["facilitated"]


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
    """The consultation, if the signed-in user facilitates it (``require_facilitator``)."""
    return require_facilitator(request, get_object_or_404(Consultation, slug=slug))


def get_accreditation_request(request: HttpRequest, slug: str, pk: int) -> AccreditationRequest:
    consultation = facilitated_consultation(request, slug)
    return get_object_or_404(
        AccreditationRequest.objects.select_related("group", "consultation"),
        consultation=consultation,
        pk=pk,
    )


def get_organisation_for_facilitator(request: HttpRequest, slug: str, pk: int) -> Organisation:
    """An organisation accredited to the consultation, for its facilitator to manage its focal
    point; another consultation's organisations are not theirs."""
    consultation = facilitated_consultation(request, slug)
    return get_object_or_404(
        Organisation.objects.select_related("group"),
        pk=pk,
        accreditations__consultation=consultation,
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
