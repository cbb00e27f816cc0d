"""The search page over 10,000 entries: time, queries, and whether PostgreSQL uses the GIN index.

The entries' words are drawn from the zero draft itself, so that words are as frequent in them
as in the text people comment on: "broadband" is rare, "digital" everywhere.
"""

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
from wsis.search.query import Filters, Search
from wsis.stakeholders.groups import ensure_groups
from wsis.stakeholders.models import Membership, Organisation, StakeholderGroup

ENTRIES = 10_000
ORGANISATIONS = 60
SLUG = "bench-search"
# A typical search of each kind, and the filters a delegate narrows one to.
SEARCHES = {
    "word": {"q": "broadband"},
    "phrase": {"q": '"digital divides"'},
    "filtered": {"q": "connectivity", "group": "member_state", "kind": "amendment"},
}


def _setup():
    ensure_groups(StakeholderGroup)
    groups = list(StakeholderGroup.objects.all())
    consultation = Consultation.objects.create(slug=SLUG, title="Bench")
    version = import_draft(consultation, "Zero draft", parse(decode(ZERO_DRAFT.read_bytes())))
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Search org {i}", acronym=f"SRCH{i}", group=groups[i % len(groups)])
        for i in range(ORGANISATIONS)
    )
    member = get_user_model().objects.create_user("bench-search-delegate")
    Membership.objects.create(user=member, organisation=organisations[0])
    paragraphs = list(version.paragraphs.all())
    words = [word for p in paragraphs for word in p.text.split()]
    rnd = random.Random(19)
    now = timezone.now()

    def passage(n):
        start = rnd.randrange(len(words) - n)
        return " ".join(words[start : start + n])

    kinds = [k.value for k in Entry.Kind]
    Entry.objects.bulk_create(
        (
            Entry(
                version=version,
                paragraph=rnd.choice(paragraphs),
                organisation=rnd.choice(organisations),
                author=member,
                kind=rnd.choice(kinds),
                text=passage(rnd.randint(10, 40)),
                proposed_text=passage(rnd.randint(20, 60)),
                # Most published, some drafts and some waiting, as mid-round.
                status=rnd.choice(["submitted"] * 8 + ["draft"] * 2),
                moderation=rnd.choice(["published"] * 6 + ["pending"] * 3 + ["rejected"]),
                submitted_at=now - timedelta(minutes=i),
            )
            for i in range(ENTRIES)
        ),
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        # As autovacuum would soon after: the planner's figures for the new rows.
        cursor.execute("ANALYZE comments_entry, drafts_paragraph")
    delegate = Client()
    delegate.force_login(member)
    return version, {"anonymous": Client(), "member": delegate}


def _measure(client, params):
    url = f"/c/{SLUG}/search/"

    def get():
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code

    seconds = median_seconds(get, repeat=5)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    return seconds * 1000, len(queries), response.context["results"].count()


def _index_used(version, params) -> bool:
    """Whether PostgreSQL reads the entries of this search through the GIN index."""
    group = StakeholderGroup.objects.filter(code=params.get("group")).first()
    found = Search(version, params["q"], Filters(kind=params.get("kind", ""), group=group))
    plan = found.entries(Entry.objects.visible_to(None)).explain()
    return f"entry_search_{version.search_config}" in plan


def run() -> dict:
    version, clients = _setup()
    figures = {}
    for name, params in SEARCHES.items():
        index_used = _index_used(version, params)
        for who, client in clients.items():
            ms, queries, results = _measure(client, params)
            figures[f"search.10k_entries.{name}.{who}"] = figure(
                ms, "ms", queries=queries, entries=ENTRIES, results=results,
                index_used=index_used, params=params,
            )  # fmt: skip
    # Nothing to clean up: the benchmark database is dropped afterwards.
    return figures
