"""What the pages cache, in one place: keys, lifetimes, generations, the one way to get,
compute and set, and the one way to fill the holes left in cached HTML.

Keys. Every cached piece's key starts with ``release()``, a digest of the code, templates,
static files and translations this process runs with: a deploy never reads what an earlier
release cached (HTML of templates that changed, values whose shape changed). Pieces hold plain
values (strings, numbers, tuples, dicts), never model instances.

Generations. A piece that depends on the database names the generations it depends on in its
key; ``renew`` starts a new generation, so every piece that named the old one is renewed. There
is a global generation, part of every such key, and one per scope (below). The pieces may sit
in each process's own memory, but the generations are kept where every process reads the same
("shared" cache: Redis in production), or a save answered by one gunicorn worker would not show
in the pages of another. When that store does not answer, nothing is cached (generation None)
rather than anything shown stale. Generations are not per release: a process of the previous
release, still answering during a deploy, renews what the new one reads.

Slots. Cached HTML that must differ per request (a CSRF token, a count per audience) is rendered
with ``slot(name)`` where that part goes, and ``fill`` puts each request's values in.
"""

import functools
import hashlib
import logging
import re
import uuid
from collections.abc import Callable, Hashable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends import redis
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)

# Lifetimes. What is named by the content it shows (a version's text, a diff of two texts)
# never goes stale: the limit only bounds what sits unused.
CONTENT_SECONDS = 24 * 3600
# What depends on entries: writes that send no signal (QuerySet.update, bulk_create) show
# within this delay at worst.
ENTRIES_SECONDS = 300
# Paragraphs, versions, rounds and lineage: renewed by their generations on any change.
STRUCTURE_SECONDS = 3600

# Scopes of generations. Entries (``scopes_of`` in ``wsis.comments.models``):
# - PUBLIC: published submissions, which everyone sees;
# - FACILITATED: submitted and withdrawn entries, which facilitators see;
# - ``organisation_scope(id)``: an organisation's own entries, which its members see;
# - SUPPORTS: who supports which entry, whoever may see it (a publication does not change that,
#   so a panel rendering its page anew still finds the supporters cached).
# Not entries: PARAGRAPHS, the paragraph a panel is opened on with its version, consultation,
# round and extensions, renewed when any of these change (``renew_paragraphs``).
# People: ``person_scope(id)``, what one person's pages show of them in every header (their
# memberships, the consultations they facilitate, their unread notifications), and PEOPLE,
# what those show of others (organisations and their groups, consultations, pending
# accreditation requests), renewed when any of these change (``wsis.stakeholders.people``).
# A delegate saving a draft renews only their organisation's pieces, not everyone's. The global
# generation (``renew()``) renews them all: after bulk writes, which send no signals, and when
# the lineage of paragraphs changes.
PUBLIC = "public"
FACILITATED = "facilitated"
SUPPORTS = "supports"
PARAGRAPHS = "paragraphs"
PEOPLE = "people"
GENERATION = "generation"

_MISSING = object()
# Where a release's own files are: what it renders and how.
_RELEASE_FILES = (("wsis", "*.py"), ("templates", "*"), ("static", "*"), ("locale", "*.mo"))


def organisation_scope(organisation_id) -> str:
    return f"org:{organisation_id}"


def person_scope(user_id) -> str:
    return f"person:{user_id}"


@functools.cache
def release() -> str:
    """This release of the code, as the first part of every key (read once per process).

    The mark of slots is part of it too: a new ``SECRET_KEY`` changes the mark, and HTML cached
    with the old one would keep its holes."""
    digest = hashlib.blake2b(_slot_mark().encode(), digest_size=8)
    root = Path(settings.BASE_DIR)
    for folder, pattern in _RELEASE_FILES:
        for path in sorted((root / folder).rglob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def key(*parts) -> str | None:
    """The key of a cached piece, from what names it (``None`` parts make ``None``: a piece
    whose generation is unknown is not cached)."""
    if any(part is None for part in parts):
        return None
    return ":".join([release(), *map(str, parts)])


def cached(name: str | None, compute: Callable[[], object], timeout: int):
    """The value cached under ``name`` (``key``), or ``compute()``'s, cached for ``timeout``
    seconds; with no ``name``, ``compute()``'s, cached nowhere."""
    if name is None:
        return compute()
    found = cache.get(name, _MISSING)
    if found is _MISSING:
        found = compute()
        cache.set(name, found, timeout)
    return found


def cached_many[T: Hashable, V](
    names: dict[T, str], compute: Callable[[list[T]], dict[T, V]], timeout: int
) -> dict[T, V]:
    """``cached`` for many pieces in one round trip: ``names`` maps each item to its key,
    ``compute`` the items not found to their values."""
    found = cache.get_many(names.values()) if names else {}
    result = {item: found[name] for item, name in names.items() if name in found}
    missing = [item for item in names if item not in result]
    if missing:
        computed = compute(missing)
        cache.set_many({names[item]: computed[item] for item in missing}, timeout)
        result |= computed
    return result


# Generations.


def _generation_key(scope: str) -> str:
    return f"{GENERATION}:{scope}" if scope else GENERATION


def _fresh_generation() -> int:
    # Never back to a generation a cached piece may still name (after an eviction or a
    # restart of the store).
    return uuid.uuid4().int % 10**12


def generations(*scopes: str) -> dict[str, int] | None:
    """The generations of the global scope (under ``""``) and of ``scopes``, in one read of the
    shared store, or None if they cannot be known (then cache nothing)."""
    shared = caches["shared"]
    keys = {scope: _generation_key(scope) for scope in ("", *scopes)}
    try:
        found = shared.get_many(keys.values())
        for name in keys.values():
            if name not in found:
                fresh = _fresh_generation()
                found[name] = fresh if shared.add(name, fresh, timeout=None) else shared.get(name)
                if found[name] is None:
                    return None
    except Exception:  # the store is down: its client raises its own errors
        logger.warning("generations unavailable: caching nothing", exc_info=True)
        return None
    return {scope: found[name] for scope, name in keys.items()}


def joined(found: dict[str, int] | None, *scopes: str) -> str | None:
    """Those of ``found`` (``generations``) that a cached piece depends on, the global one
    first, as one part of a key; None if they are not known."""
    if found is None:
        return None
    return ".".join(str(found[scope]) for scope in ("", *scopes))


def generation(*scopes: str) -> str | None:
    """The generations of the global scope and of ``scopes`` as one part of a key, or None if
    they cannot be known (then cache nothing)."""
    return joined(generations(*scopes), *scopes)


def _renew(name: str) -> None:
    shared = caches["shared"]
    try:
        shared.incr(name)
    except ValueError:  # not set yet, or evicted
        shared.set(name, _fresh_generation(), timeout=None)


def renew(*scopes: str) -> None:
    """Start a new generation of ``scopes``, or of everything if none is named."""
    try:
        for scope in set(scopes) or {""}:
            _renew(_generation_key(scope))
    except Exception:  # the store is down: what was saved is saved all the same
        logger.warning("generations not renewed", exc_info=True)


def renew_with_transaction(*scopes: str) -> None:
    """``renew`` now, so that the rest of this transaction reads the change; and again once it
    is committed, as a page asked meanwhile may have cached what was committed before."""
    renew(*scopes)
    transaction.on_commit(lambda: renew(*scopes))


def renew_paragraphs(sender, instance, **kwargs) -> None:
    """Receiver of changes to what ``PARAGRAPHS`` covers (connected by the drafts app)."""
    renew_with_transaction(PARAGRAPHS)


# Slots.


@functools.cache
def _slot_mark() -> str:
    # Derived from the secret key: the same in every process, and nothing a person could type
    # into a text that ends up in cached HTML.
    return "slot" + salted_hmac("wsis.cache.slot", "slot", algorithm="sha256").hexdigest()[:32]


@functools.cache
def _slot_pattern() -> re.Pattern:
    return re.compile(re.escape(_slot_mark()) + r"-([\w:-]+)\.")


def slot(name: str) -> str:
    """What stands for the part named ``name`` (letters, digits, ``_``, ``-``, ``:``) in HTML
    to be cached; it reads the same escaped or not, so it may sit in an attribute."""
    return f"{_slot_mark()}-{name}."


def fill(html: str, value: Callable[[str], str | None]) -> SafeString:
    """``html`` with each slot replaced by ``value(name)`` (nothing for None); the HTML and the
    values must be safe as they are (rendered by our templates, escaped)."""
    filled = _slot_pattern().sub(lambda match: value(match.group(1)) or "", html)
    return mark_safe(filled)  # noqa: S308 - see the docstring


# The store.


class _RedisClient(redis.RedisCacheClient):
    """Django's client makes a new redis-py client for every call, which builds its table of
    some 170 reply handlers each time: more than the round trip itself on loopback, and pages
    read the generations on every request. This one keeps a client per connection pool
    (redis-py's clients are safe to share between threads)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    """Django's Redis cache with ``_RedisClient`` (settings: ``CACHES``)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _RedisClient
