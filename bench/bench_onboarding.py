"""Onboarding: registering all 193 Member States from one CSV file, and the invitation link.

Each registration run is rolled back, so every run starts from the same empty register.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from bench.timing import figure, median_seconds
from wsis.drafts.models import Consultation
from wsis.stakeholders.groups import ensure_groups
from wsis.stakeholders.models import Invitation, Organisation, StakeholderGroup
from wsis.stakeholders.services import register_in_bulk

STATES = 193


class Rollback(Exception):
    pass


def run() -> dict:
    if not StakeholderGroup.objects.exists():
        ensure_groups(StakeholderGroup)
    rows = ["name,acronym,group,focal_point_email"] + [
        f"State {n},S{n:03d},member_state,focal{n}@mission{n}.example" for n in range(STATES)
    ]
    data = "\n".join(rows).encode()
    facilitator = get_user_model().objects.create_user("bench-onboarding-facilitator")
    consultation, _ = Consultation.objects.get_or_create(
        slug="bench-onboarding", defaults={"title": "Bench onboarding"}
    )

    def register_all():
        try:
            with transaction.atomic():
                report = register_in_bulk(
                    data, consultation=consultation, by=facilitator, base_url="http://bench/"
                )
                assert len(report.by_outcome["created"]) == STATES
                raise Rollback
        except Rollback:
            pass

    register_time = median_seconds(register_all, repeat=5)

    # Its own organisation: the load benchmark before this one leaves the demo's in place.
    kenya = Organisation.objects.create(
        name="Bench Kenya", acronym="BENCH-KEN",
        group=StakeholderGroup.objects.get(code="member_state"),
    )  # fmt: skip
    _, token = Invitation.issue(email="x@example.org", role="delegate", invited_by=None,
                                organisation=kenya)  # fmt: skip
    client = Client()
    url = f"/stakeholders/invitation/{token}/"
    page_time = median_seconds(lambda: client.get(url), repeat=21)
    return {
        "onboarding.bulk_register_193_states": figure(
            register_time * 1000, "ms", rows=STATES, note="organisations + invitations + audit"
        ),
        "onboarding.invitation_page": figure(page_time * 1000, "ms"),
    }
