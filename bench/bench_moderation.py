"""The facilitators' pages over 10,000 submitted entries: time and number of queries."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.timing import figure, median_seconds
from wsis.comments.models import Entry
from wsis.drafts.demo import ZERO_DRAFT
from wsis.drafts.importer import decode, import_draft, parse
from wsis.drafts.models import Consultation
from wsis.stakeholders.groups import ensure_groups
from wsis.stakeholders.models import Organisation, StakeholderGroup

ENTRIES = 10_000
ORGANISATIONS = 60


def _setup():
    ensure_groups(StakeholderGroup)
    groups = list(StakeholderGroup.objects.all())
    consultation = Consultation.objects.create(slug="bench-moderation", title="Bench")
    version = import_draft(consultation, "Zero draft", parse(decode(ZERO_DRAFT.read_bytes())))
    user = get_user_model().objects.create_user("bench-facilitator")
    consultation.facilitators.add(user)
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Bench org {i}", acronym=f"BENCH{i}", group=groups[i % len(groups)])
        for i in range(ORGANISATIONS)
    )
    paragraphs = list(version.paragraphs.all())
    rnd = random.Random(20)
    now = timezone.now()
    kinds = [k.value for k in Entry.Kind]
    states = [m.value for m in Entry.Moderation]
    decisions = [d.value for d in Entry.Decision]
    Entry.objects.bulk_create(
        (
            Entry(
                version=version,
                paragraph=rnd.choice(paragraphs),
                organisation=rnd.choice(organisations),
                author=user,
                kind=rnd.choice(kinds),
                text="We propose stronger wording on meaningful connectivity " + str(i),
                proposed_text="Proposed wording " + str(i),
                status=Entry.Status.SUBMITTED,
                moderation=rnd.choice(states),
                decision=rnd.choice(decisions),
                submitted_at=now - timedelta(minutes=i),
            )
            for i in range(ENTRIES)
        ),
        batch_size=2000,
    )
    client = Client()
    client.force_login(user)
    return consultation, organisations, client


def _measure(client, url, params=None):
    def get():
        response = client.get(url, params or {})
        assert response.status_code == 200, response.status_code

    seconds = median_seconds(get, repeat=5)
    with CaptureQueriesContext(connection) as queries:
        get()
    return seconds * 1000, len(queries)


def run() -> dict:
    consultation, organisations, client = _setup()
    base = "/moderation/bench-moderation/"
    filters = {"group": "member_state", "moderation": "pending", "q": "meaningful connectivity"}
    plain_ms, plain_q = _measure(client, base)
    filtered_ms, filtered_q = _measure(client, base, filters)
    heat_ms, heat_q = _measure(client, base + "overview/")
    paragraph_ms, paragraph_q = _measure(client, base + "p/OP26/")
    # Nothing to clean up: the benchmark database is dropped afterwards, and the append-only
    # audit log would refuse to let the signed-in facilitator go anyway.
    common = {"entries": ENTRIES}
    return {
        "moderation.dashboard.unfiltered": figure(plain_ms, "ms", queries=plain_q, **common),
        "moderation.dashboard.filtered": figure(
            filtered_ms, "ms", queries=filtered_q, filters=filters, **common
        ),
        "moderation.heatmap": figure(heat_ms, "ms", queries=heat_q, paragraphs=155, **common),
        "moderation.paragraph": figure(paragraph_ms, "ms", queries=paragraph_q, **common),
    }
