"""What every page's header shows of the signed-in person, read once per change rather than
once per page: their memberships (with organisation and group) and the consultations they
facilitate (with pending accreditation requests counted).

These were three queries on every signed-in page, for rows that change a few times a
consultation. They are cached per person under two generations (``wsis.cache``): the person's
own (``person_scope``), renewed when their memberships or the consultations they facilitate
change, and PEOPLE, renewed when an organisation, a group, a consultation or an accreditation
request changes, since those show in everyone's header. A person's state is named by their id:
nobody is ever given another's.

The cache holds field values, never model instances (``wsis.cache``); they are made into
unsaved-looking instances again as loaded from the database, so the views use them as before.
Whether a facilitator has confirmed their second factor is per session, so it is checked on
every request (``wsis.stakeholders.access``), not cached.
"""

from django.db.models import Count, Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from wsis import cache
from wsis.drafts.models import Consultation
from wsis.stakeholders.models import (
    AccreditationRequest,
    Membership,
    Organisation,
    StakeholderGroup,
)


def _values(instance) -> tuple:
    return tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)


def _instance(model, values: tuple):
    names = [field.attname for field in model._meta.concrete_fields]
    return model.from_db("default", names, values)


def _read(user_id: int) -> dict:
    memberships = (
        Membership.objects.filter(user_id=user_id)
        .select_related("organisation__group")
        .order_by("organisation__name")
    )
    facilitated = Consultation.objects.filter(facilitators__id=user_id).annotate(
        pending_requests=Count(
            "accreditation_requests",
            filter=Q(accreditation_requests__status=AccreditationRequest.Status.PENDING),
        )
    )
    return {
        "memberships": [
            (_values(m), _values(m.organisation), _values(m.organisation.group))
            for m in memberships
        ],
        "facilitated": [(_values(c), c.pending_requests) for c in facilitated],
    }


def state(user_id: int, known: dict | None) -> dict:
    """``{"memberships": [...], "facilitated": [...]}`` of the person, as model instances;
    ``known``: the generations read (``generations``), None to read everything afresh."""
    scopes = (cache.person_scope(user_id), cache.PEOPLE)
    name = cache.key("person", user_id, cache.joined(known, *scopes))
    found = cache.cached(name, lambda: _read(user_id), cache.STRUCTURE_SECONDS)
    memberships = []
    for membership_values, organisation_values, group_values in found["memberships"]:
        membership = _instance(Membership, membership_values)
        membership.organisation = _instance(Organisation, organisation_values)
        membership.organisation.group = _instance(StakeholderGroup, group_values)
        memberships.append(membership)
    facilitated = []
    for consultation_values, pending in found["facilitated"]:
        consultation = _instance(Consultation, consultation_values)
        consultation.pending_requests = pending
        facilitated.append(consultation)
    return {"memberships": memberships, "facilitated": facilitated}


def generations(user_id: int, *scopes: str) -> dict | None:
    """The generations a person's state depends on, and ``scopes``, in one read."""
    return cache.generations(cache.person_scope(user_id), cache.PEOPLE, *scopes)


# What renews them.


def _membership_changed(sender, instance, **kwargs):
    cache.renew_with_transaction(cache.person_scope(instance.user_id))


def _people_changed(sender, instance=None, **kwargs):
    cache.renew_with_transaction(cache.PEOPLE)


def _facilitators_changed(sender, instance, action, pk_set=None, **kwargs):
    if action.startswith("post_"):
        # Either side may be the one changed (``consultation.facilitators.add(user)`` or
        # ``user.facilitated_consultations.add(consultation)``), and ``clear`` names nobody:
        # everyone's header, as for any other change to consultations.
        cache.renew_with_transaction(cache.PEOPLE)


def connect() -> None:
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="people-membership")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="people-membership")
    for model in (Organisation, StakeholderGroup, Consultation, AccreditationRequest):
        uid = f"people-{model.__name__}"
        post_save.connect(_people_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_people_changed, sender=model, dispatch_uid=uid)
    m2m_changed.connect(
        _facilitators_changed,
        sender=Consultation.facilitators.through,
        dispatch_uid="people-facilitators",
    )
