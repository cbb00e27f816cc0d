"""Personas and the draft they work on, in one place.

- ``anonymous``: a visitor who is not signed in;
- ``delegate_a`` and ``focal_a``: a delegate and the focal point of organisation A (Kenya);
- ``delegate_b``: a delegate of organisation B (the UPU), who should not see A's drafts;
- ``facilitator``: a facilitator of the consultation, who has confirmed a second factor in
  this session (so passes the facilitator gate whether or not it is required);
- ``unverified_facilitator``: a facilitator of the consultation with no second factor, with
  ``FACILITATOR_REQUIRE_2FA`` on: every facilitator-only page refuses them.
Each persona fixture is a signed-in test client whose ``.user`` is the user.
"""

import hashlib
from dataclasses import replace
from datetime import timedelta
from functools import cache

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

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


@pytest.fixture(autouse=True, scope="session")
def flush_past_the_audit_truncate_guard():
    """The audit log refuses TRUNCATE (audit migration 0003), which is how Django empties the
    database after a transactional or browser test: there the test database's owner lifts the
    guard for the flush alone, in the flush's transaction."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    flush = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        trigger = "audit_auditevent {} TRIGGER audit_event_no_truncate"
        sql_list = [f"ALTER TABLE {trigger.format('DISABLE')}", *sql_list]
        flush(self, [*sql_list, f"ALTER TABLE {trigger.format('ENABLE')}"])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The real hasher takes about half a second per user by design; tests create hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    # The cache lives as long as the test process (rate limits, rendered drafts): start clean.
    from django.core.cache import cache as django_cache

    django_cache.clear()
    forget_throttles()


def forget_throttles():
    """Drop the rate-limit counters (wsis/throttle.py), which live in the shared cache: in Redis
    they outlive the test and the run, and the broker's queues share that Redis, so it is not
    flushed."""
    from django.conf import settings
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    shared = caches["shared"]
    if not isinstance(shared, RedisCache):
        shared.clear()
        return
    import redis

    client = redis.Redis.from_url(settings.CACHES["shared"]["LOCATION"], socket_timeout=2)
    try:
        keys = list(client.scan_iter(match=shared.make_key("throttle:*")))
        if keys:
            client.delete(*keys)
    except (redis.ConnectionError, redis.TimeoutError):
        pass  # a fault test left Redis down: no counter can be read either
    finally:
        client.close()


def run_in_process(monkeypatch, task):
    """Queuing ``task`` runs it at once in this process, as a worker runs it (retries
    included, without their delays); other tasks still go to the broker."""
    monkeypatch.setattr(
        task, "apply_async", lambda args=None, kwargs=None, **options: task.apply(args, kwargs)
    )


@pytest.fixture(autouse=True)
def mail_in_process(monkeypatch):
    """Queued mail is sent in this process, so that ``mailoutbox`` holds it."""
    from wsis.mail import send

    run_in_process(monkeypatch, send)


class FlakyMailServer(BaseEmailBackend):
    """Refuses the connection the first ``FAILURES`` times, then delivers to the test outbox."""

    FAILURES = 2
    attempts = 0

    def send_messages(self, messages):
        FlakyMailServer.attempts += 1
        if FlakyMailServer.attempts <= self.FAILURES:
            raise ConnectionRefusedError("the mail server is down")
        mail.outbox.extend(messages)
        return len(messages)


@pytest.fixture
def flaky_mail_server(settings):
    """The configured mail server, down for the first two attempts (``FAILURES``)."""
    FlakyMailServer.attempts = 0
    FlakyMailServer.FAILURES = 2
    settings.MAILERS = {"default": {"BACKEND": "tests.conftest.FlakyMailServer"}}
    return FlakyMailServer


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


def shortened(draft, headings=None, per_section=2, keep=("B", "26", "27", "31")):
    """``draft`` cut down to the sections of ``headings`` (all if None), each with its first
    ``per_section`` paragraphs and those labelled ``keep`` (the reports' fixtures put entries
    on these): for the tests whose property does not depend on the document's length but whose
    time does (laying out a PDF, reading its structure back)."""
    sections = [
        replace(
            section,
            paragraphs=[
                paragraph
                for number, paragraph in enumerate(section.paragraphs)
                if number < per_section or paragraph.label in keep
            ],
        )
        for section in draft.sections
        if headings is None or section.heading in headings
    ]
    # Not the source's text any more: not its fingerprint either.
    cut = repr((draft.sha256, headings, per_section, keep)).encode()
    return replace(draft, sections=sections, sha256=hashlib.sha256(cut).hexdigest())


def open_version(consultation, draft):
    """``draft`` imported as the zero draft, with a comment round open from yesterday for a
    week."""
    version = import_draft(consultation, "Zero draft", draft)
    now = timezone.now()
    CommentRound.objects.create(
        version=version, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=7)
    )
    return version


@pytest.fixture
def version(consultation):
    """The zero draft, with a comment round open from yesterday for a week."""
    return open_version(consultation, parsed(ZERO_DRAFT))


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
def org_a(consultation):
    """Kenya, accredited to the consultation."""
    organisation = Organisation.objects.create(
        name="Kenya", acronym="KEN", group=group("member_state")
    )
    organisation.accredit(consultation)
    return organisation


@pytest.fixture
def org_b(consultation):
    """The UPU, accredited to the consultation."""
    organisation = Organisation.objects.create(
        name="Universal Postal Union", acronym="UPU", group=group("un_system")
    )
    organisation.accredit(consultation)
    return organisation


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


def verified(client):
    """The client's session confirmed with a second factor, as ``django_otp.login`` does."""
    device = TOTPDevice.objects.create(user=client.user, name="phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def facilitator(consultation):
    user = make_user("faye", is_staff=True)
    consultation.facilitators.add(user)
    return verified(signed_in(user))


@pytest.fixture
def unverified_facilitator(consultation, settings):
    settings.FACILITATOR_REQUIRE_2FA = True
    user = make_user("uma", is_staff=True)
    consultation.facilitators.add(user)
    return signed_in(user)
