"""Which paragraph of a new version is which paragraph of the previous one.

``align`` works on plain texts and never compares every paragraph with every
other: identical texts are paired through a hash first; the rest get candidate
partners through the rare words they share (an inverted index), and only those
few pairs are scored. Splits and merges are found among the candidates by
containment (most of a new paragraph's words are in one old paragraph, and the
parts together cover it); what is left is paired greedily by similarity, then
by position between the paragraphs already paired. Paired paragraphs that left
the order of the others (outside the longest increasing run) have moved.

The database side (``align_versions``, ``cached_ancestors``...) stores the result as
``ParagraphLink`` rows and follows them backwards, so that every paragraph knows those of
earlier versions it continues; ``wsis.comments.carry`` brings their entries along.
"""

import bisect
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db import transaction
from django.db.models import Q

from wsis.cache import STRUCTURE_SECONDS, cached, generation, key, renew
from wsis.drafts.diff import TOKEN
from wsis.drafts.models import ParagraphLink, Version

WORD = re.compile(r"\w+")
# A word found in more paragraphs than this says nothing about which paragraph is which.
MAX_POSTING = 40
RARE_WORDS_PER_PARAGRAPH = 12
CANDIDATES_PER_PARAGRAPH = 12
# A part of a split (or a source of a merge) has most of its words in the whole.
PART_CONTAINMENT = 0.75
PARTS_COVERAGE = 0.6
PARTS_EXCESS = 1.4
MIN_PART_WORDS = 5
EDITED_SIMILARITY = 0.45
# Between two paired anchors, a paragraph that stayed in place may have been rewritten more.
IN_PLACE_SIMILARITY = 0.25

SENTENCE_ENDS = {".", ";", ":"}

UNCHANGED = "unchanged"
EDITED = "edited"
RENUMBERED = "renumbered"
MOVED = "moved"
SPLIT = "split"
MERGED = "merged"
NEW = "new"
DELETED = "deleted"


@dataclass(frozen=True)
class Match:
    """One suggested link: ``old`` and ``new`` are indexes; one of them is None for new/deleted."""

    kind: str
    old: int | None
    new: int | None
    score: float


@dataclass
class _Text:
    text: str
    label: str
    words: Counter = field(default_factory=Counter)
    size: int = 0
    digest: str = ""

    def __post_init__(self):
        tokens = WORD.findall(self.text.lower())
        self.words = Counter(tokens)
        self.size = len(tokens)
        # Punctuation counts (a full stop can change a paragraph's meaning); spacing does not.
        normal = " ".join(self.text.split())
        self.digest = hashlib.blake2b(normal.encode(), digest_size=16).hexdigest()


def _shared(a: _Text, b: _Text) -> int:
    if len(a.words) > len(b.words):
        a, b = b, a
    return sum(min(count, b.words[word]) for word, count in a.words.items() if word in b.words)


def _longest_increasing(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The pairs (sorted by old index) whose new indexes form the longest increasing run."""
    tails: list[int] = []
    tail_at: list[int] = []
    previous: list[int] = [-1] * len(pairs)
    for i, (_, new) in enumerate(pairs):
        k = bisect.bisect_left(tails, new)
        if k == len(tails):
            tails.append(new)
            tail_at.append(i)
        else:
            tails[k] = new
            tail_at[k] = i
        previous[i] = tail_at[k - 1] if k else -1
    keep = set()
    i = tail_at[-1] if tail_at else -1
    while i >= 0:
        keep.add(pairs[i])
        i = previous[i]
    return keep


def align(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[Match]:
    """Align two versions given as lists of ``(label, text)`` in document order."""
    olds = [_Text(text, label) for label, text in old]
    news = [_Text(text, label) for label, text in new]
    return classify(olds, news, _edges(olds, news))


def _edges(olds: list[_Text], news: list[_Text]) -> set[tuple[int, int]]:
    pairs: dict[int, int] = {}  # new index -> old index, one-to-one
    old_taken: set[int] = set()

    # 1. Identical wording (spacing aside), paired in order.
    by_digest = defaultdict(list)
    for i, t in enumerate(olds):
        by_digest[t.digest].append(i)
    for j, t in enumerate(news):
        if by_digest.get(t.digest):
            i = by_digest[t.digest].pop(0)
            pairs[j] = i
            old_taken.add(i)

    # 2. Candidate pairs among the rest, through the rarest words they share.
    rest_old = [i for i in range(len(olds)) if i not in old_taken]
    rest_new = [j for j in range(len(news)) if j not in pairs]
    frequency = Counter()
    for i in rest_old:
        frequency.update(olds[i].words.keys())
    for j in rest_new:
        frequency.update(news[j].words.keys())
    postings = defaultdict(list)
    for i in rest_old:
        for word in _rare_words(olds[i], frequency):
            postings[word].append(i)
    shared: dict[tuple[int, int], int] = {}
    for j in rest_new:
        hits = Counter()
        for word in _rare_words(news[j], frequency):
            for i in postings.get(word, ()):
                hits[i] += 1
        for i, _ in hits.most_common(CANDIDATES_PER_PARAGRAPH):
            shared[i, j] = _shared(olds[i], news[j])

    # 3. Splits and merges: several parts each mostly contained in one whole.
    edges: set[tuple[int, int]] = set()
    # Each part belongs to the one whole that contains most of it (boilerplate repeats).
    whole_of: dict[int, tuple[int, int]] = {}  # new part -> (common, old whole)
    target_of: dict[int, tuple[int, int]] = {}  # old source -> (common, new whole)
    for (i, j), common in shared.items():
        if news[j].size >= MIN_PART_WORDS and common >= PART_CONTAINMENT * news[j].size:
            whole_of[j] = max(whole_of.get(j, (0, 0)), (common, -i))
        if olds[i].size >= MIN_PART_WORDS and common >= PART_CONTAINMENT * olds[i].size:
            target_of[i] = max(target_of.get(i, (0, 0)), (common, -j))
    parts_of = defaultdict(list)  # old -> new parts
    sources_of = defaultdict(list)  # new -> old sources
    for j, (common, i) in whole_of.items():
        parts_of[-i].append((j, common))
    for i, (common, j) in target_of.items():
        sources_of[-j].append((i, common))
    grouped_new: set[int] = set()
    grouped_old: set[int] = set()
    for i, parts in sorted(parts_of.items()):
        parts = [(j, c) for j, c in parts if j not in grouped_new]
        if _covers(olds[i], parts, news):
            edges.update((i, j) for j, _ in parts)
            grouped_new.update(j for j, _ in parts)
            grouped_old.add(i)
    for j, sources in sorted(sources_of.items()):
        if j in grouped_new:
            continue
        sources = [(i, c) for i, c in sources if i not in grouped_old]
        if _covers(news[j], sources, olds):
            edges.update((i, j) for i, _ in sources)
            grouped_old.update(i for i, _ in sources)
            grouped_new.add(j)
    old_taken |= grouped_old

    # 4. One-to-one pairs, best first.
    scored = []
    for (i, j), common in shared.items():
        score = 2 * common / (olds[i].size + news[j].size or 1)
        if score >= EDITED_SIMILARITY and i not in grouped_old and j not in grouped_new:
            scored.append((score, i, j))
    for _, i, j in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if i not in old_taken and j not in pairs:
            pairs[j] = i
            old_taken.add(i)

    # 5. Rewritten in place: between two pairs in order, the few leftovers on both sides.
    in_order = sorted(_longest_increasing(sorted((i, j) for j, i in pairs.items())))
    bounds = [(-1, -1), *in_order, (len(olds), len(news))]
    for (i0, j0), (i1, j1) in zip(bounds, bounds[1:], strict=False):
        gap_old = [i for i in range(i0 + 1, i1) if i not in old_taken]
        gap_new = [j for j in range(j0 + 1, j1) if j not in pairs and j not in grouped_new]
        if not gap_old or not gap_new or len(gap_old) * len(gap_new) > 64:
            continue
        options = []
        for i in gap_old:
            for j in gap_new:
                total = olds[i].size + news[j].size or 1
                options.append((2 * _shared(olds[i], news[j]) / total, i, j))
        for score, i, j in sorted(options, key=lambda s: (-s[0], s[1], s[2])):
            if score >= IN_PLACE_SIMILARITY and i not in old_taken and j not in pairs:
                pairs[j] = i
                old_taken.add(i)
    return edges | {(i, j) for j, i in pairs.items()}


def _covers(whole: _Text, parts: list[tuple[int, int]], texts: list[_Text]) -> bool:
    """Two or more parts that make up most of the whole, and not much more than it (a
    paragraph repeated elsewhere is not part of it twice)."""
    return (
        len(parts) >= 2
        and sum(common for _, common in parts) >= PARTS_COVERAGE * whole.size
        and sum(texts[k].size for k, _ in parts) <= PARTS_EXCESS * whole.size
    )


def classify(olds: list[_Text], news: list[_Text], edges: set[tuple[int, int]]) -> list[Match]:
    """Name each link from the shape of the links: also used when a facilitator corrects them."""
    sources = Counter(j for _, j in edges)
    parts = Counter(i for i, _ in edges)
    one_to_one = sorted((i, j) for i, j in edges if sources[j] == 1 and parts[i] == 1)
    ordered = _longest_increasing(one_to_one)
    matches = []
    for i, j in edges:
        common = _shared(olds[i], news[j])
        if sources[j] > 1:
            kind, score = MERGED, common / max(olds[i].size, 1)
        elif parts[i] > 1:
            kind, score = SPLIT, common / max(news[j].size, 1)
        else:
            score = 2 * common / (olds[i].size + news[j].size or 1)
            if (i, j) not in ordered:
                kind = MOVED
            elif olds[i].digest != news[j].digest:
                kind = EDITED
            elif olds[i].label != news[j].label:
                kind = RENUMBERED
            else:
                kind = UNCHANGED
        matches.append(Match(kind, i, j, round(min(score, 1.0), 3)))
    linked_old = {i for i, _ in edges}
    linked_new = {j for _, j in edges}
    matches += [Match(DELETED, i, None, 0.0) for i in range(len(olds)) if i not in linked_old]
    matches += [Match(NEW, None, j, 0.0) for j in range(len(news)) if j not in linked_new]
    # Document order of the new version; a deleted paragraph after what preceded it.
    after = {}
    for i, j in sorted(edges):
        after[i] = j
    last = -1
    position = {}
    for i in range(len(olds)):
        last = after.get(i, last)
        position[i] = last
    return sorted(
        matches,
        key=lambda m: (m.new, 0, m.old or 0) if m.new is not None else (position[m.old], 1, m.old),
    )


def texts(paragraphs) -> list[_Text]:
    return [_Text(p.text, p.label) for p in paragraphs]


def _rare_words(text: _Text, frequency: Counter) -> list[str]:
    words = [w for w in text.words if frequency[w] <= MAX_POSTING and len(w) > 2]
    words.sort(key=lambda w: (frequency[w], w))
    return words[:RARE_WORDS_PER_PARAGRAPH]


# The database side.


def align_versions(previous, version) -> list:
    """Suggest (again) how ``version`` continues ``previous``, replacing any earlier suggestion."""
    old = list(previous.paragraphs.order_by("order"))
    new = list(version.paragraphs.order_by("order"))
    matches = align([(p.label, p.text) for p in old], [(p.label, p.text) for p in new])
    return _store(version, old, new, matches)


def relink(version, old, new, edges: set[tuple[int, int]]) -> list:
    """Store a facilitator's corrected alignment, given as (old index, new index) pairs."""
    return _store(version, old, new, classify(texts(old), texts(new), edges), confirmed=True)


def _store(version, old, new, matches, *, confirmed=False) -> list:
    # Entries follow the links: renew what was cached from the old ones (``_ancestors``).
    transaction.on_commit(renew)
    version.links.all().delete()
    links = [
        ParagraphLink(
            version=version,
            source=old[m.old] if m.old is not None else None,
            target=new[m.new] if m.new is not None else None,
            kind=m.kind,
            score=m.score,
            position=position,
            confirmed=confirmed,
        )
        for position, m in enumerate(matches, start=1)
    ]
    return ParagraphLink.objects.bulk_create(links)


def _ancestors(version) -> tuple[dict[int, set], dict[int, set]]:
    """For each paragraph of earlier versions, the paragraphs of ``version`` it became and the
    deleted paragraphs it ended in (as paragraph ids)."""
    chain = version.consultation.versions.filter(order__lte=version.order).filter(
        Q(pk=version.pk) | ~Q(status=Version.Status.PREPARING)
    )
    into: dict[int, set] = defaultdict(set)  # paragraph id -> ids of version's paragraphs
    ends: dict[int, set] = defaultdict(set)  # paragraph id -> ids of deleted paragraphs
    own = version.paragraphs.values_list("pk", flat=True)
    frontier: dict[int, set] = {pk: {("p", pk)} for pk in own}
    for source_id in ParagraphLink.objects.filter(
        version__in=chain, target__isnull=True
    ).values_list("source_id", flat=True):
        frontier.setdefault(source_id, set()).add(("d", source_id))
    seen = set(frontier)
    for pk, roots in frontier.items():
        _add(pk, roots, into, ends)
    while frontier:
        links = ParagraphLink.objects.filter(
            target_id__in=list(frontier), source__isnull=False, version__in=chain
        ).values_list("source_id", "target_id")
        following: dict[int, set] = defaultdict(set)
        for source_id, target_id in links:
            following[source_id] |= frontier[target_id]
        for pk, roots in following.items():
            _add(pk, roots, into, ends)
        frontier = {pk: roots for pk, roots in following.items() if pk not in seen}
        seen.update(frontier)
    return into, ends


def cached_ancestors(version) -> tuple[dict[int, set], dict[int, set], set[int]]:
    """``_ancestors`` and the paragraphs of ``version``, cached until links are stored again
    or a version is published (both start a new generation, see ``renew``)."""

    def compute():
        into, ends = _ancestors(version)
        return dict(into), dict(ends), set(version.paragraphs.values_list("pk", flat=True))

    name = key("ancestors", version.pk, version.status, generation())
    return cached(name, compute, STRUCTURE_SECONDS)


def earlier_paragraphs(paragraph, known_generation: str | None) -> list[int]:
    """The paragraphs of earlier versions that became ``paragraph``: those whose entries
    ``wsis.comments.carry`` carries to it.

    A panel needs only these ids (``Entry.objects.on_paragraph``), not the entries carried to
    the whole version, nor its ancestors read from the cache on every request. Cached per
    paragraph under the global ``known_generation`` (``generation()``, which a panel has read
    already; None: not cached), renewed as ``cached_ancestors`` is.
    """
    version = paragraph.version

    def compute():
        into, _, own = cached_ancestors(version)
        return sorted(pk for pk, became in into.items() if paragraph.pk in became and pk not in own)

    name = key("earlier", paragraph.pk, version.status, known_generation)
    return cached(name, compute, STRUCTURE_SECONDS)


def _add(pk, roots, into, ends):
    for kind, root in roots:
        (into if kind == "p" else ends)[pk].add(root)


def part_of(whole: str, part: str) -> str:
    """The stretch of ``whole`` that ``part`` continues, so a split part is compared with its
    own half rather than shown deleting the other one."""
    spans = [m.span() for m in TOKEN.finditer(whole)]
    a = [whole[s:e].lower() for s, e in spans]
    b = [m.group().lower() for m in TOKEN.finditer(part)]
    blocks = [x for x in SequenceMatcher(a=a, b=b, autojunk=False).get_matching_blocks() if x.size]
    # A word or two matched far away ("divides") would stretch the part over the other half.
    blocks = [x for x in blocks if x.size >= 3] or blocks
    if not blocks:
        return whole
    start, end = blocks[0].a, blocks[-1].a + blocks[-1].size
    # Words of the part before (after) the first (last) match were rewritten from the words
    # next to it, up to the end of the sentence.
    before, after = blocks[0].b, len(b) - blocks[-1].b - blocks[-1].size
    while before and start and a[start - 1] not in SENTENCE_ENDS:
        start, before = start - 1, before - 1
    while after and end < len(a) and a[end - 1] not in SENTENCE_ENDS:
        end, after = end + 1, after - 1
    return whole[spans[start][0] : spans[end - 1][1]]
