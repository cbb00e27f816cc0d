"""A write locks only the rows it checks, and not against the foreign-key checks of other
writes: under load, concurrent submissions deadlocked on the version and the user rows that a
FOR UPDATE through select_related had locked.

Each test holds a service's lock in a thread, paused inside its transaction, and writes a row
pointing at the same version or person from the test's own connection. A lock that blocked the
write would end it with the lock timeout (an error, not a wait the test relies on).
"""

import threading

import pytest
from django.db import connection, connections, transaction

from tests.comments.conftest import make_entry
from tests.conftest import make_user
from wsis.comments import services
from wsis.comments.models import Entry
from wsis.stakeholders.models import Membership
from wsis.throttle import lock_person

pytestmark = pytest.mark.django_db(transaction=True)


def holding(work):
    """Run ``work(pause)`` in a thread with its own connection; ``pause()`` blocks it, inside
    its transaction, until the test lets it go. Returns the thread and the release event."""
    locked, release = threading.Event(), threading.Event()
    failures = []

    def pause():
        locked.set()
        assert release.wait(60), "the test never let the lock go"

    def run():
        try:
            work(pause)
        except Exception as exc:  # surfaced in the test, not lost in the thread
            failures.append(exc)
            locked.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    assert locked.wait(60), "the thread never took its lock"
    return thread, release, failures


def with_lock_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '10s'")


def test_a_submission_does_not_block_a_new_entry_on_its_version(
    version, org_a, org_b, focal_a, delegate_b, monkeypatch
):
    draft = make_entry(version, org_a, focal_a.user)
    membership = Membership.objects.get(user=focal_a.user)
    real_record = services._record

    def submit(pause):
        monkeypatch.setattr(services, "_record", lambda *a, **k: (real_record(*a, **k), pause()))
        services.submit(draft, membership=membership)

    thread, release, failures = holding(submit)
    try:
        with_lock_timeout()
        # Another organisation's entry on the same version and paragraph, committed at once.
        other = make_entry(version, org_b, delegate_b.user)
    finally:
        release.set()
        thread.join()
    assert not failures
    assert Entry.objects.get(pk=draft.pk).status == Entry.Status.SUBMITTED
    assert Entry.objects.filter(pk=other.pk).exists()


def test_counting_a_persons_actions_does_not_block_rows_pointing_at_them(org_a):
    person = make_user("counted")

    def count(pause):
        with transaction.atomic():
            lock_person(person)
            pause()

    thread, release, failures = holding(count)
    try:
        with_lock_timeout()
        Membership.objects.create(user=person, organisation=org_a)
    finally:
        release.set()
        thread.join()
    assert not failures and Membership.objects.filter(user=person).exists()
