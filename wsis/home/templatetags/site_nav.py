"""The header's consultation and version, the same on every page.

A page about a consultation says which (``consultation``, or the ``version`` it shows); other
pages (People, a report job, the account, the notifications) have none, and the header then
falls back on the person's own: the one they facilitate, else the one their organisation is
accredited to, else the only one there is.
"""

from django import template

from wsis.drafts.models import Consultation, Version
from wsis.stakeholders.access import active_membership, facilitated_consultations

register = template.Library()


def _own_consultation(request) -> Consultation | None:
    facilitated = facilitated_consultations(request)
    if facilitated:
        return facilitated[0]
    membership = active_membership(request)
    if membership is not None:
        accredited = Consultation.objects.filter(
            accreditations__organisation=membership.organisation
        ).first()
        if accredited is not None:
            return accredited
    only = list(Consultation.objects.all()[:2])
    return only[0] if len(only) == 1 else None


@register.simple_tag(takes_context=True)
def nav_place(context) -> dict:
    """``{"consultation", "version"}`` for the header: the page's own, else the person's
    consultation and its current version (either may be None)."""
    request = context.get("request")
    consultation, version = context.get("consultation"), context.get("version")
    if not isinstance(version, Version):
        version = None
    if not isinstance(consultation, Consultation):
        consultation = version.consultation if version else None
        if consultation is None and request is not None:
            consultation = _own_consultation(request)
    if consultation is not None and (version is None or version.consultation_id != consultation.pk):
        version = consultation.current_version()
    return {"consultation": consultation, "version": version}
