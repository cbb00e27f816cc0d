"""Personas and the draft they work on, in one place.

- ``anonymous``: a visitor who is not signed in;
- ``delegate_a`` and ``focal_a``: a delegate and the focal point of organisation A (Kenya);
- ``delegate_b``: a delegate of organisation B (the UPU), who should not see A's drafts;
- ``facilitator``: a facilitator of the consultation.
Each persona fixture is a signed-in test client whose ``.user`` is the user.
"""

from datetime import timedelta
from functools import cache

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from tests.workers import start_worker  # noqa: F401 - the fixture, for every test module
from wsis.drafts.demo import UPU_COPY, ZERO_DRAFT
from wsis.drafts.importer import decode, import_draft, parse
from wsis.drafts.models import CommentRound, Consultation
from wsis.stakeholders.groups import ensure_groups
from wsis.stakeholders.models import (
    AccreditationRequest,
    Membership,
    Organisation,
    StakeholderGroup,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher takes about half a second per user by design; tests create hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    # The cache lives as long as the test process (rate limits, rendered drafts): start clean.
    from django.core.cache import cache as django_cache

    django_cache.clear()


@cache
def parsed(path):
    return parse(decode(path.read_bytes()))


@pytest.fixture
def zero_draft_text():
    return ZERO_DRAFT.read_text()


@pytest.fixture
def upu_copy_text():
    return UPU_COPY.read_text()


@pytest.fixture
def consultation(db):
    return Consultation.objects.create(
        slug="wsis20", title="WSIS+20 review", time_zone="America/New_York"
    )


@pytest.fixture
def version(consultation):
    """The zero draft, with a comment round open from yesterday for a week."""
    version = import_draft(consultation, "Zero draft", parsed(ZERO_DRAFT))
    now = timezone.now()
    CommentRound.objects.create(
        version=version, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=7)
    )
    return version


def group(code):
    # Browser tests flush the database between tests, data migrations included.
    if not StakeholderGroup.objects.exists():
        ensure_groups(StakeholderGroup)
    return StakeholderGroup.objects.get(code=code)


def accreditation_request(consultation, **fields):
    """A civil-society organisation asking to take part, as the form would record it."""
    fields = {
        "name": "Digital Rights Collective",
        "acronym": "DRC",
        "group": group("civil_society"),
        "country": "Kenya",
        "website": "https://drc.example",
        "contact_name": "Wanjiru Kamau",
        "contact_email": "wanjiru@drc.example",
        "justification": "We run community networks.",
    } | fields
    return AccreditationRequest.objects.create(consultation=consultation, **fields)


@pytest.fixture
def org_a(db):
    return Organisation.objects.create(name="Kenya", acronym="KEN", group=group("member_state"))


@pytest.fixture
def org_b(db):
    return Organisation.objects.create(
        name="Universal Postal Union", acronym="UPU", group=group("un_system")
    )


def make_user(username, **extra):
    return get_user_model().objects.create_user(
        username=username,
        password="correct horse battery",
        email=f"{username}@example.org",
        **extra,
    )


def signed_in(user):
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def anonymous():
    client = Client()
    client.user = None
    return client


@pytest.fixture
def delegate_a(org_a):
    user = make_user("alice")
    Membership.objects.create(user=user, organisation=org_a, role=Membership.Role.DELEGATE)
    return signed_in(user)


@pytest.fixture
def focal_a(org_a):
    user = make_user("fatima")
    Membership.objects.create(user=user, organisation=org_a, role=Membership.Role.FOCAL_POINT)
    return signed_in(user)


@pytest.fixture
def delegate_b(org_b):
    user = make_user("bob")
    Membership.objects.create(user=user, organisation=org_b, role=Membership.Role.DELEGATE)
    return signed_in(user)


@pytest.fixture
def facilitator(consultation):
    user = make_user("faye", is_staff=True)
    consultation.facilitators.add(user)
    return signed_in(user)
