from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import make_user, signed_in
from wsis.comments.models import Entry
from wsis.stakeholders.models import Membership

PERSONAS = ["anonymous", "delegate_a", "focal_a", "delegate_b", "facilitator"]


def paragraph(version, label):
    return version.paragraphs.get(label=label)


def make_entry(version, organisation, author, label="26", **fields):
    target = paragraph(version, label)
    fields.setdefault("kind", Entry.Kind.AMENDMENT)
    if fields["kind"] == Entry.Kind.AMENDMENT:
        fields.setdefault("proposed_text", target.text.replace("digital", "meaningful digital", 1))
    if fields.get("status") == Entry.Status.SUBMITTED:
        fields.setdefault("submitted_at", timezone.now())
    return Entry.objects.create(
        version=version, paragraph=target, organisation=organisation, author=author, **fields
    )


@pytest.fixture
def focal_b(org_b):
    user = make_user("bianca")
    Membership.objects.create(user=user, organisation=org_b, role=Membership.Role.FOCAL_POINT)
    return signed_in(user)


@pytest.fixture
def draft_a(version, org_a, delegate_a):
    """Kenya's draft amendment to OP26, written by its delegate."""
    return make_entry(version, org_a, delegate_a.user, text="Kenya's reasons.")


@pytest.fixture
def submitted_a(version, org_a, focal_a):
    """Kenya's submitted amendment to OP44, waiting for moderation."""
    return make_entry(
        version,
        org_a,
        focal_a.user,
        label="44",
        status=Entry.Status.SUBMITTED,
        proposed_text=paragraph(version, "44").text.replace(
            "every school", "every school and library"
        ),
    )


@pytest.fixture
def published_b(version, org_b, delegate_b):
    """The UPU's submitted and published amendment to OP76."""
    return make_entry(
        version,
        org_b,
        delegate_b.user,
        label="76",
        status=Entry.Status.SUBMITTED,
        moderation=Entry.Moderation.PUBLISHED,
        proposed_text=paragraph(version, "76").text + " We call on all stakeholders to act.",
    )


@pytest.fixture
def closed_round(version):
    version.round.opens_at = timezone.now() - timedelta(days=10)
    version.round.closes_at = timezone.now() - timedelta(minutes=1)
    version.round.save()
    return version.round
