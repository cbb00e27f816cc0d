"""The revision cycle (#16): composing the next revision from the decisions, and the ledger.

- ``cycle.compose_600_paragraphs_5000_entries``: ``compose_revision`` of a published
  600-paragraph version on which 5,000 entries were submitted and decided (about 60% not
  incorporated or open, 25% incorporated amendments, 10% partially incorporated, a few
  incorporated comments, new paragraphs and deletions; some paragraphs with incorporated
  amendments in conflict), each run in a transaction rolled back; with its queries and what it
  applied, left to write in by hand and found in conflict. No target: the ratio to hold is
  ``cycle.compose_vs_align_600_paragraphs``, composing over ``align_versions`` of the same two
  versions, measured in the same run. The ancestors of the source version are cached (as after
  any page view of it): the median is of warm runs.
- ``cycle.ledger_500_entries``: ``ledger()`` of an organisation with 500 submitted entries
  across the zero draft and Rev.1 (composed, then published);
- ``cycle.ledger_page_500_entries`` and ``cycle.ledger_page_50_entries``: its page for a
  facilitator (second factor confirmed), asked in alternation with the page of an organisation
  with 50 entries; ``cycle.ledger_page_500_vs_50_entries`` is their ratio. Both take the same
  number of queries (asserted), with the cache as configured.
"""

import random
from dataclasses import replace

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.bench_alignment import COPIES
from bench.bench_reader import _consultation, _paired
from bench.timing import figure, median_seconds
from wsis.cache import renew
from wsis.comments.ledger import ledger
from wsis.comments.models import Entry
from wsis.drafts.alignment import align_versions
from wsis.drafts.demo import ZERO_DRAFT
from wsis.drafts.importer import ParsedDraft, decode, parse
from wsis.drafts.services import publish_version
from wsis.moderation.compose import compose_revision, conflicts, edit_paragraph, labels_in_sequence
from wsis.stakeholders.groups import ensure_groups
from wsis.stakeholders.models import Organisation, StakeholderGroup

SLUG = "bench-cycle"
PARAGRAPHS = 600
ENTRIES = 5000
ORGANISATIONS = 40
# The two organisations whose ledgers are read: most of their entries are made on the zero
# draft among the 5,000, the rest on Rev.1 once it is published.
LEDGERS = {"CYCBIG": (450, 50), "CYCSMALL": (45, 5)}
DELETED_EVERY = 40  # paragraphs whose deletion is incorporated: every 40th
CONFLICT_EVERY = 25  # paragraphs whose incorporated amendments differ: every 25th


def six_hundred_paragraphs() -> ParsedDraft:
    """The zero draft's sections over again (each copy made distinct, as ``bench_alignment``
    does), up to 600 paragraphs, labelled in sequence."""
    base = parse(decode(ZERO_DRAFT.read_bytes()))
    sections, count = [], 0
    for copy in COPIES:
        for section in base.sections:
            room = section.paragraphs[: PARAGRAPHS - count]
            paragraphs = [replace(p, text=f"{p.text} (copy {copy})") for p in room]
            if paragraphs:
                sections.append(replace(section, paragraphs=paragraphs))
                count += len(paragraphs)
    draft = ParsedDraft(title=base.title, sections=sections, sha256=base.sha256)
    labels = labels_in_sequence([p.kind for p in draft.paragraphs])
    for paragraph, label in zip(draft.paragraphs, labels, strict=True):
        paragraph.label = label
    assert len(draft.paragraphs) == PARAGRAPHS
    return draft


def _amended(text: str, word: str) -> str:
    words = text.split()
    return " ".join(words[:3] + [word] + words[3:])


def _pools(paragraphs) -> dict:
    """Where entries go: anywhere; where a deletion is incorporated; where it is not."""
    deleted = [p for p in paragraphs if p.order % DELETED_EVERY == 0]
    return {
        "any": paragraphs,
        "deleted": deleted,
        "kept": [p for p in paragraphs if p not in deleted],
    }


def _entry(rng, index, pools, organisation, author, conflicted=frozenset()) -> Entry:
    """One submitted, published entry with its decision, in the mix described above."""
    r = rng.random()
    decision, pool = Entry.Decision.INCORPORATED, "kept"
    if r < 0.60:
        decision = Entry.Decision.NOT_INCORPORATED if r < 0.35 else Entry.Decision.OPEN
        kind = rng.choice(["amendment"] * 12 + ["comment"] * 5 + ["new_paragraph", "deletion"])
        pool = "any"
    elif r < 0.85:
        kind = Entry.Kind.AMENDMENT
    elif r < 0.95:
        decision, kind = Entry.Decision.PARTIAL, rng.choice(["amendment", "comment"])
    elif r < 0.98:
        kind = Entry.Kind.COMMENT
    elif r < 0.995:
        kind = Entry.Kind.NEW_PARAGRAPH
    else:
        # Only there; and a deleted paragraph takes in nothing else (that would conflict).
        kind, pool = Entry.Kind.DELETION, "deleted"
    paragraph = rng.choice(pools[pool])
    proposed = ""
    if kind == Entry.Kind.AMENDMENT:
        # Organisations mostly converge on one wording a paragraph; not where in conflict.
        word = f"variant{index}" if paragraph.order in conflicted else "meaningfully"
        proposed = _amended(paragraph.text, word)
    elif kind == Entry.Kind.NEW_PARAGRAPH:
        # Now and then two organisations propose the same one: it is inserted once.
        proposed = f"We further note item {rng.randrange(3)} as proposed after {paragraph}."
    return Entry(
        version=paragraph.version, paragraph=paragraph, organisation=organisation,
        author=author, kind=kind, text=f"Justification {index}.", proposed_text=proposed,
        status=Entry.Status.SUBMITTED, moderation=Entry.Moderation.PUBLISHED,
        decision=decision, submitted_at=timezone.now(),
    )  # fmt: skip


def _seed():
    if not StakeholderGroup.objects.exists():
        ensure_groups(StakeholderGroup)
    groups = list(StakeholderGroup.objects.all())
    consultation, version = _consultation(SLUG, six_hundred_paragraphs())
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Cycle organisation {i}", acronym=f"CYC{i}", group=groups[i % len(groups)]
        )
        for i in range(ORGANISATIONS)
    ) + [
        Organisation.objects.create(name=acronym, acronym=acronym, group=groups[0])
        for acronym in LEDGERS
    ]
    for organisation in organisations:
        organisation.accredit(consultation)
    User = get_user_model()
    author = User.objects.create_user("bench-cycle-author")
    facilitator = User.objects.create_user("bench-cycle-facilitator")
    consultation.facilitators.add(facilitator)
    pools = _pools(list(version.paragraphs.order_by("order")))
    conflicted = {p.order for p in pools["any"] if p.order % CONFLICT_EVERY == 7}
    rng = random.Random(16)
    owners = [
        organisation
        for organisation, (on_zero, _on_rev1) in zip(
            organisations[ORGANISATIONS:], LEDGERS.values(), strict=True
        )
        for _ in range(on_zero)
    ]
    owners += [rng.choice(organisations[:ORGANISATIONS]) for _ in range(ENTRIES - len(owners))]
    rng.shuffle(owners)
    entries = [_entry(rng, i, pools, owner, author, conflicted) for i, owner in enumerate(owners)]
    Entry.objects.bulk_create(entries, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE comments_entry")
    return consultation, version, organisations, author, facilitator


class _Rollback(Exception):
    pass


def _rolled_back(function):
    """Run ``function`` in a transaction that is then rolled back; what it returned."""
    result = []
    try:
        with transaction.atomic():
            result.append(function())
            raise _Rollback
    except _Rollback:
        return result[0]


def _compose_figures(version) -> dict:
    compose_ms = median_seconds(
        lambda: _rolled_back(lambda: compose_revision(version, "Rev.1")), repeat=5
    )

    def compose_and_count():
        with CaptureQueriesContext(connection) as queries:
            composition = compose_revision(version, "Rev.1")
        return composition, len(queries), composition.version.paragraphs.count()

    composition, queries, composed = _rolled_back(compose_and_count)

    def align_composed():
        composed = compose_revision(version, "Rev.1").version
        return median_seconds(lambda: align_versions(version, composed), repeat=5)

    align_ms = _rolled_back(align_composed)
    compose_ms, align_ms = compose_ms * 1000, align_ms * 1000
    return {
        "cycle.compose_600_paragraphs_5000_entries": figure(
            compose_ms,
            "ms",
            queries=queries,
            paragraphs=PARAGRAPHS,
            entries=ENTRIES,
            applied=composition.applied,
            by_hand=composition.by_hand,
            conflicts=len(composition.conflicts),
            paragraphs_composed=composed,
        ),
        "cycle.compose_vs_align_600_paragraphs": figure(
            compose_ms / align_ms,
            "ratio",
            compose_ms=round(compose_ms, 2),
            align_ms=round(align_ms, 2),
            note="compose_revision / align_versions of the same two versions, same run",
        ),
    }


def _publish_rev1(version, author):
    """Rev.1 composed, its conflicts settled as a facilitator would, published; then the
    ledgers' organisations comment on it too."""
    rev1 = compose_revision(version, "Rev.1").version
    for paragraph in conflicts(rev1):
        keep = list(paragraph.took_in.values_list("entry_id", flat=True))
        edit_paragraph(paragraph, text=paragraph.text + " As settled.", keep=keep)
    publish_version(rev1, closes_at=timezone.now() + timezone.timedelta(days=14))
    rev1.refresh_from_db()
    rng = random.Random(61)
    pools = _pools(list(rev1.paragraphs.order_by("order")))
    Entry.objects.bulk_create(
        _entry(rng, i, pools, Organisation.objects.get(acronym=acronym), author)
        for acronym, (_on_zero, on_rev1) in LEDGERS.items()
        for i in range(on_rev1)
    )
    renew()
    return rev1


def _signed_in_facilitator(user) -> Client:
    """Signed in, with a second factor confirmed (as ``django_otp.login`` records it), so that
    the facilitator gate lets them through whether ``FACILITATOR_REQUIRE_2FA`` is on or not."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _ledger_figures(consultation, facilitator) -> dict:
    big, small = (Organisation.objects.get(acronym=acronym) for acronym in LEDGERS)
    url_500, url_50 = (reverse("comments:ledger", args=[SLUG, acronym]) for acronym in LEDGERS)
    lines = ledger(consultation, big)
    assert len(lines) == sum(LEDGERS["CYCBIG"]), len(lines)
    assert len(ledger(consultation, small)) == sum(LEDGERS["CYCSMALL"])
    taken_in = sum(line.now_in is not None for line in lines)
    ledger_ms = median_seconds(lambda: ledger(consultation, big), repeat=7) * 1000
    client = _signed_in_facilitator(facilitator)
    t_50, q_50, t_500, q_500 = _paired(client, url_50, url_500, repeat=11)
    assert q_50 == q_500, f"the ledger page takes {q_50} queries for 50 entries, {q_500} for 500"
    return {
        "cycle.ledger_500_entries": figure(ledger_ms, "ms", entries=500, now_in_rev1=taken_in),
        "cycle.ledger_page_500_entries": figure(t_500 * 1000, "ms", queries=q_500, entries=500),
        "cycle.ledger_page_50_entries": figure(t_50 * 1000, "ms", queries=q_50, entries=50),
        "cycle.ledger_page_500_vs_50_entries": figure(
            t_500 / t_50,
            "ratio",
            queries_50=q_50,
            queries_500=q_500,
            note="facilitator, second factor confirmed; pages asked in alternation",
        ),
    }


def run() -> dict:
    consultation, version, _organisations, author, facilitator = _seed()
    results = _compose_figures(version)
    _publish_rev1(version, author)
    results.update(_ledger_figures(consultation, facilitator))
    # Nothing to clean up: the benchmark database is dropped afterwards (and the append-only
    # audit log keeps the facilitator's edits).
    return results
