from datetime import timedelta

import pytest
from django.utils import timezone

from wsis.silence import services
from wsis.silence.models import Break


@pytest.fixture
def silence(version, facilitator):
    """The zero draft under silence for the usual 72 hours."""
    return services.start(
        version, deadline=timezone.now() + timedelta(hours=72), user=facilitator.user
    )


def broken_by(silence, membership_user, organisation, label, reason="Not acceptable.", **extra):
    return Break.objects.create(
        silence=silence,
        paragraph=silence.version.paragraphs.get(label=label),
        organisation=organisation,
        author=membership_user,
        reason=reason,
        **extra,
    )


def end_now(silence):
    """The deadline passed: as if the 72 hours were over (no write, no audit needed)."""
    past = timezone.now() - timedelta(minutes=1)
    type(silence).objects.filter(pk=silence.pk).update(deadline=past)
    silence.version._meta.model.objects.filter(pk=silence.version_id).update(silence_until=past)
    silence.refresh_from_db()
    return silence
