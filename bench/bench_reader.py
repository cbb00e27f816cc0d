"""The reader and the paragraph panel under many entries, and what saving an entry costs.

Figures (ratios measured in one run, in-process through Django's test client, so both
sides of each ratio pay for the same middleware; the two pages of a ratio asked in
alternation, so that both meet the same moments of the machine's other load):
- reader with 10,000 entries / reader with none (time, and queries);
- requests per second of the reader / of a plain template rendering the same 155
  paragraphs on every request (the reader caches the rendered text per version), in-process
  and under load (gunicorn, two workers, a load generator on loopback);
- requests per second of the reader / of a view that returns a constant (Django's floor),
  anonymous and signed in, under the server production runs (gunicorn with uvicorn workers);
- a panel holding 500 entries / the reader;
- queries to save an entry.
"""

import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, reset_queries, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench.scratch import drop_consultations
from bench.server import gunicorn, load, signed_in
from bench.timing import figure
from wsis.cache import FACILITATED, PUBLIC, organisation_scope, renew
from wsis.comments import services
from wsis.comments.models import Entry
from wsis.drafts.demo import ZERO_DRAFT
from wsis.drafts.importer import decode, import_draft, parse
from wsis.drafts.models import CommentRound, Consultation
from wsis.stakeholders.groups import ensure_groups
from wsis.stakeholders.models import Membership, Organisation, StakeholderGroup

ENTRIES = 10_000
# The load test of the reader against the plain template (see _under_load).
LOAD_CLIENTS = 8
LOAD_SECONDS = 3
LOAD_ROUNDS = 7
PANEL_ENTRIES = 500
# Production's server on this machine's two cores (see _vs_hello_world).
HELLO_WORKERS = 4
WHO = ("anonymous", "signed_in")


def _consultation(slug, draft):
    consultation = Consultation.objects.create(slug=slug, title=f"Bench {slug}")
    version = import_draft(consultation, "Zero draft", draft)
    now = timezone.now()
    CommentRound.objects.create(
        version=version,
        opens_at=now - timezone.timedelta(days=1),
        closes_at=now + timezone.timedelta(days=7),
    )
    return consultation, version


def _organisations():
    if not StakeholderGroup.objects.exists():
        ensure_groups(StakeholderGroup)
    groups = list(StakeholderGroup.objects.all())
    User = get_user_model()
    organisations = []
    for n in range(40):
        organisation = Organisation.objects.create(
            name=f"Bench organisation {n}", acronym=f"B{n}", group=groups[n % len(groups)]
        )
        user = User.objects.create_user(f"bench{n}", password="x")  # noqa: S106
        Membership.objects.create(
            user=user, organisation=organisation, role=Membership.Role.FOCAL_POINT
        )
        organisations.append((organisation, user))
    return organisations


def _fill(version, organisations, count, paragraphs=None):
    rng = random.Random(20)
    paragraphs = paragraphs or list(version.paragraphs.all())
    kinds = ["comment", "amendment", "amendment", "new_paragraph", "deletion"]
    states = [("submitted", "published")] * 6 + [("draft", "pending"), ("submitted", "pending")]
    entries = []
    for i in range(count):
        paragraph = rng.choice(paragraphs)
        organisation, user = rng.choice(organisations)
        kind = rng.choice(kinds)
        words = paragraph.text.split()
        if kind == "amendment":
            at = rng.randrange(len(words))
            proposed = " ".join(words[:at] + ["notably", f"item{i}"] + words[at + 1 :])
        elif kind == "new_paragraph":
            proposed = f"We further note item {i} and its relevance to the Information Society."
        else:
            proposed = ""
        status, moderation = rng.choice(states)
        entries.append(
            Entry(
                version=version, paragraph=paragraph, organisation=organisation, author=user,
                kind=kind, text=f"Justification {i}.", proposed_text=proposed,
                status=status, moderation=moderation,
            )
        )  # fmt: skip
    Entry.objects.bulk_create(entries, batch_size=2000)
    renew()


def _paired(client, url_a, url_b, recount=False, repeat=21):
    """Median times and queries of two pages, asked in alternation so that both meet the same
    moments of the machine's other load (a ratio of two separate runs mostly measures that).

    ``recount``: before each request, renew every cached count and panel (True), or those
    of the scopes named (a tuple, see ``scopes_of``)."""
    samples = {url_a: [], url_b: []}
    queries = {}

    def get(url):
        if recount:
            renew(*(() if recount is True else recount))
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        return elapsed

    for url in (url_a, url_b):
        get(url)  # the first reader of a version renders its text into the cache
        get(url)
        reset_queries()  # each request resets the log; start the count from an empty one
        with CaptureQueriesContext(connection) as captured:
            get(url)
        queries[url] = len(captured)
    for _ in range(repeat):
        for url in (url_a, url_b):
            samples[url].append(get(url))
    return (
        statistics.median(samples[url_a]),
        queries[url_a],
        statistics.median(samples[url_b]),
        queries[url_b],
    )


def _under_load() -> dict:
    """Requests per second under load: gunicorn, two workers, production settings; a load
    generator on loopback keeps LOAD_CLIENTS anonymous readers asking without pause. The reader
    of the draft with 10,000 entries against the plain template of the same paragraphs, one
    right after the other, LOAD_ROUNDS times: the figure is the median of the rounds' ratios,
    as the machine's other load comes and goes between rounds more than within one."""
    reader, plain = "/c/bench-full/", "/bench-plain/bench-full/"
    rates = {reader: [], plain: []}
    with gunicorn(workers=2, settings="bench.plain_settings") as base:

        def rate(path, seconds):
            step = {"label": path, "path": path}
            found = load(
                {"base": base, "concurrency": LOAD_CLIENTS, "seconds": seconds,
                 "think_seconds": 0.0, "scenario": [step]}
            )  # fmt: skip
            assert found["errors"] == 0, found["error_samples"]
            return found["throughput_rps"]

        rate(reader, 2)  # each worker renders the text and counts once
        rate(plain, 1)
        for _ in range(LOAD_ROUNDS):
            for path in (reader, plain):
                rates[path].append(rate(path, LOAD_SECONDS))
    ratios = sorted(r / p for r, p in zip(rates[reader], rates[plain], strict=True))
    return {
        "reader.gunicorn_rps_vs_plain_template": figure(
            statistics.median(ratios),
            "ratio",
            goal=2.0,
            ratios=[round(r, 2) for r in ratios],
            reader_rps=rates[reader],
            plain_rps=rates[plain],
            server="gunicorn 2 workers, production settings",
            clients=LOAD_CLIENTS,
            seconds=LOAD_SECONDS,
        )  # fmt: skip
    }


def _vs_hello_world(users) -> dict:
    """The reader's requests per second against Django's floor, a view returning a constant
    through the same middleware (``bench.plain``), on the same server: gunicorn with uvicorn
    workers and the production settings, as production runs. LOAD_CLIENTS clients without
    pause, anonymous and then signed in (each client a member of its own organisation), the two
    pages one right after the other, LOAD_ROUNDS times; the median of the rounds' ratios."""
    reader, hello = "/c/bench-full/", "/bench-hello/"
    figures = {}
    with gunicorn(workers=HELLO_WORKERS, settings="bench.plain_settings", asgi=True) as base:
        for who, sessions in zip(WHO, (None, signed_in(users)), strict=True):
            rates = {reader: [], hello: []}

            def rate(path, seconds, sessions=sessions):
                found = load(
                    {"base": base, "concurrency": LOAD_CLIENTS, "seconds": seconds,
                     "think_seconds": 0.0, "sessions": sessions,
                     "scenario": [{"label": path, "path": path}]}
                )  # fmt: skip
                assert found["errors"] == 0, found["error_samples"]
                return found["throughput_rps"]

            rate(reader, 2)  # each worker renders the text and counts once
            rate(hello, 1)
            for _ in range(LOAD_ROUNDS):
                for path in (reader, hello):
                    rates[path].append(rate(path, LOAD_SECONDS))
            ratios = sorted(r / h for r, h in zip(rates[reader], rates[hello], strict=True))
            figures[f"reader.rps_vs_hello_world.{who}"] = figure(
                statistics.median(ratios), "ratio", goal=0.5,
                ratios=[round(r, 2) for r in ratios], reader_rps=rates[reader],
                hello_world_rps=rates[hello],
                server=f"gunicorn {HELLO_WORKERS} uvicorn workers (wsis.asgi), production settings",
                clients=LOAD_CLIENTS, seconds=LOAD_SECONDS,
            )  # fmt: skip
    both = {who: figures[f"reader.rps_vs_hello_world.{who}"]["value"] for who in WHO}
    figures["reader.rps_vs_hello_world"] = figure(
        min(both.values()), "ratio", goal=0.5, what="the lower of anonymous and signed in", **both
    )
    return figures


@override_settings(ROOT_URLCONF="bench.plain")
def run() -> dict:
    cache.clear()
    draft = parse(decode(ZERO_DRAFT.read_bytes()))
    with transaction.atomic():
        empty, _ = _consultation("bench-empty", draft)
        full, full_version = _consultation("bench-full", draft)
        organisations = _organisations()
        for organisation, _user in organisations:
            organisation.accredit(full)
        _fill(full_version, organisations, ENTRIES)
        panel_paragraph = full_version.paragraphs.get(label="1")
        _fill(full_version, organisations, PANEL_ENTRIES, paragraphs=[panel_paragraph])
    # 10,000 entries arrive over weeks, and autovacuum keeps the table's statistics and
    # visibility map up to date meanwhile; not so a bulk load a second before measuring.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE comments_entry")

    anonymous = Client()
    member = Client()
    member.force_login(organisations[0][1])
    results = {}
    empty_url = reverse("drafts:reader", args=["bench-empty"])
    full_url = reverse("drafts:reader", args=["bench-full"])
    for who, client in (("anonymous", anonymous), ("member", member)):
        t_empty, q_empty, t_full, q_full = _paired(client, empty_url, full_url)
        results[f"reader.{who}.10k_entries_vs_none"] = figure(
            t_full / t_empty, "ratio", limit=1.3, empty_ms=round(t_empty * 1000, 2),
            full_ms=round(t_full * 1000, 2), entries=ENTRIES,
        )  # fmt: skip
        results[f"reader.{who}.queries_10k_vs_none"] = figure(
            q_full - q_empty, "queries more", empty=q_empty, full=q_full
        )
        # The first reader after any write recounts: the worst case, every request recounting.
        t_empty, q_empty, t_full, q_full = _paired(client, empty_url, full_url, recount=True)
        results[f"reader.{who}.10k_entries_vs_none.recounting"] = figure(
            t_full / t_empty, "ratio", limit=1.3, empty_ms=round(t_empty * 1000, 2),
            full_ms=round(t_full * 1000, 2), queries_empty=q_empty, queries_full=q_full,
        )  # fmt: skip

    t_reader, _, t_plain, _ = _paired(anonymous, full_url, "/bench-plain/bench-full/")
    results["reader.rps_vs_plain_template"] = figure(
        t_plain / t_reader, "ratio", goal=2.0,
        plain_ms=round(t_plain * 1000, 2), reader_ms=round(t_reader * 1000, 2),
        note="in-process test client, one at a time; see gunicorn_rps_vs_plain_template",
    )  # fmt: skip

    results.update(_under_load())
    results.update(_vs_hello_world([user for _, user in organisations[:LOAD_CLIENTS]]))

    panel_url = reverse("comments:panel", args=[panel_paragraph.pk])
    on_panel = Entry.objects.on_paragraph(panel_paragraph).count()
    for who, client in (("anonymous", anonymous), ("member", member)):
        t_reader, _, t_panel, q_panel = _paired(client, full_url, panel_url)
        results[f"panel.{who}.500_entries_vs_reader"] = figure(
            t_panel / t_reader, "ratio", limit=1.0, panel_ms=round(t_panel * 1000, 2),
            reader_ms=round(t_reader * 1000, 2), queries=q_panel,
            entries_on_paragraph=on_panel,
        )  # fmt: skip
        # After an entry of the member's organisation is published (renewing the published
        # scope and the organisation's): the panel renders, the reader recounts.
        scopes = (PUBLIC, FACILITATED, organisation_scope(organisations[0][0].pk))
        t_reader, _, t_panel, q_panel = _paired(client, full_url, panel_url, recount=scopes)
        results[f"panel.{who}.500_entries_vs_reader.after_a_publication"] = figure(
            t_panel / t_reader, "ratio", limit=1.0, panel_ms=round(t_panel * 1000, 2),
            reader_ms=round(t_reader * 1000, 2), queries=q_panel,
            entries_on_paragraph=on_panel,
        )  # fmt: skip

    organisation, user = organisations[0]
    membership = Membership.objects.select_related("organisation", "user").get(user=user)
    # The entries made in bulk above are this author's of the last hour: they would spend the
    # allowance of new drafts, which is not what is measured here (its queries are).
    allowance = override_settings(DRAFTS_PER_HOUR=10**9, DRAFTS_PER_DAY=10**9)
    allowance.enable()
    target = full_version.paragraphs.get(label="26")
    with CaptureQueriesContext(connection) as queries:
        services.create_draft(
            paragraph=target, membership=membership,
            data={"kind": "comment", "text": "Bench comment."},
        )  # fmt: skip
    results["entry.save.queries"] = figure(len(queries), "queries", what="services.create_draft")
    with CaptureQueriesContext(connection) as queries:
        response = member.post(
            reverse("comments:create", args=[target.pk]), {"kind": "comment", "text": "Via view."}
        )
        assert response.status_code == 302
    results["entry.save.view_queries"] = figure(
        len(queries), "queries", what="POST create, session and auth included"
    )
    allowance.disable()
    drop_consultations("bench-full", "bench-empty")
    return results
