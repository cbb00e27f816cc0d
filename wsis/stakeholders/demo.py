"""Onboarding in the demo: a pending accreditation request and an open invitation.

Idempotent. The invitation's token is derived from the secret key, so every run can print the
same working link although only its hash is stored; once used or expired, it is issued again.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.crypto import salted_hmac

from wsis.drafts.models import Consultation
from wsis.stakeholders import services
from wsis.stakeholders.models import (
    AccreditationRequest,
    Invitation,
    Organisation,
    StakeholderGroup,
)

INVITEE = "new.delegate@kenya-mission.example"


@transaction.atomic
def load_onboarding_demo() -> list[str]:
    """Create the demo request and invitation; return lines to print, the link among them."""
    consultation = Consultation.objects.get(slug="wsis20")
    AccreditationRequest.objects.get_or_create(
        consultation=consultation,
        acronym="DIGIRIGHTS",
        defaults={
            "name": "Digital Rights Collective",
            "group": StakeholderGroup.objects.get(code="civil_society"),
            "country": "Nairobi, Kenya",
            "website": "https://digirights.example",
            "contact_name": "Wanjiru Kamau",
            "contact_email": "wanjiru@digirights.example",
            "justification": "We run community networks in East Africa and wish to comment on "
            "the paragraphs on connectivity and the digital divide.",
        },
    )
    token = salted_hmac("wsis.stakeholders.demo", INVITEE, algorithm="sha256").hexdigest()
    invitation = Invitation.objects.filter(token_hash=Invitation.hash(token)).first()
    if invitation is not None and not invitation.is_open:
        invitation.delete()  # demo data: make room for a fresh one under the same token
        invitation = None
    if invitation is None:
        services.invite(
            email=INVITEE,
            role=Invitation.Role.DELEGATE,
            invited_by=get_user_model().objects.get(username="ken.focal"),
            base_url=settings.SITE_URL,
            organisation=Organisation.objects.get(acronym="KEN"),
            token=token,
        )
    return [
        f"Open invitation for {INVITEE} (delegate of Kenya), to try the sign-up:",
        f"  {services.invitation_link(settings.SITE_URL, token)}",
        "Pending accreditation request (Digital Rights Collective), for the facilitator:",
        f"  {settings.SITE_URL}/stakeholders/wsis20/requests/",
    ]
