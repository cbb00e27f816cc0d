"""Onboarding fixtures: a pending accreditation request and invitations with their links."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tests.conftest import accreditation_request, run_in_process
from wsis.stakeholders.models import Invitation

PERSONAS = ["anonymous", "delegate_a", "focal_a", "delegate_b", "facilitator"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # The accreditation rate limit counts in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def persona(request):
    """``persona(name)``: the signed-in client of that persona fixture."""
    return lambda name: request.getfixturevalue(name)


@pytest.fixture
def accreditation(consultation):
    return accreditation_request(consultation)


def issue(email="newcomer@example.org", role=Invitation.Role.DELEGATE, **kwargs):
    invitation, token = Invitation.issue(email=email, role=role, invited_by=None, **kwargs)
    invitation.link = reverse("stakeholders:accept", args=[token])
    return invitation


@pytest.fixture
def invitation(org_a):
    return issue(organisation=org_a)


@pytest.fixture
def expired_invitation(org_a):
    invitation = issue(organisation=org_a)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    return invitation


def links_in(mail) -> list[str]:
    return [word for word in mail.body.split() if word.startswith("http")]


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # Every persona gets a password; the production hasher takes half a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _own_shared_cache(settings, request):
    # Throttles count in the cache every process shares (Redis when configured), which outlives
    # a test and is shared with other checkouts: each test counts in its own.
    settings.CACHES = settings.CACHES | {
        "shared": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"shared-{request.node.nodeid}",
        }
    }


@pytest.fixture
def reset_worker(monkeypatch):
    """The reset task runs in this process when queued, as a worker would run it."""
    from wsis.stakeholders.tasks import send_password_reset

    run_in_process(monkeypatch, send_password_reset)
