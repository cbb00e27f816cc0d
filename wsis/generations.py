"""Generations of what is cached from the database, kept where every process reads them.

A cached piece names the generations it depends on in its key; starting a new generation
(``bump_counts``) renews every piece that named the old one. There is a global generation,
part of every key, and one per scope (the scopes of entries are named in
``wsis.comments.models``). They sit below every app, so that drafts (the lineage of
paragraphs) and comments (who sees which entries) renew their caches the same way.

The pieces may sit in each process's own memory, but the generations are kept where every
process reads the same ("shared" cache: Redis in production), or a save answered by one
gunicorn worker would not show in the pages of another. When that store does not answer,
nothing is cached (generation None) rather than anything shown stale.
"""

import logging
import uuid

from django.core.cache import caches

COUNTS_GENERATION = "entries:generation"
logger = logging.getLogger(__name__)


def _generation_key(scope: str) -> str:
    return f"{COUNTS_GENERATION}:{scope}"


def _fresh_generation() -> int:
    # Never back to a generation a cached piece may still name (after an eviction or a
    # restart of the store).
    return uuid.uuid4().int % 10**12


def generations(*scopes: str) -> dict[str, int] | None:
    """The generations of the global scope (under ``""``) and of ``scopes``, in one read of the
    shared store, or None if they cannot be known (then cache nothing)."""
    shared = caches["shared"]
    keys = {"": COUNTS_GENERATION} | {scope: _generation_key(scope) for scope in scopes}
    try:
        found = shared.get_many(keys.values())
        for key in keys.values():
            if key not in found:
                fresh = _fresh_generation()
                found[key] = fresh if shared.add(key, fresh, timeout=None) else shared.get(key)
                if found[key] is None:
                    return None
    except Exception:  # the store is down: its client raises its own errors
        logger.warning("entry generations unavailable: caching nothing", exc_info=True)
        return None
    return {scope: found[key] for scope, key in keys.items()}


def joined_generation(found: dict[str, int] | None, *scopes: str) -> str | None:
    """Those of ``found`` (``generations``) that a cached piece depends on, the global one
    first, as one cache key fragment; None if they are not known."""
    if found is None:
        return None
    return ".".join(str(found[scope]) for scope in ("", *scopes))


def counts_generation(*scopes: str) -> str | None:
    """The generations of the global scope and of ``scopes`` as one cache key fragment, or
    None if they cannot be known (then cache nothing)."""
    return joined_generation(generations(*scopes), *scopes)


def _bump(key: str) -> None:
    shared = caches["shared"]
    try:
        shared.incr(key)
    except ValueError:  # not set yet, or evicted
        shared.set(key, _fresh_generation(), timeout=None)


def bump_counts(*scopes: str) -> None:
    """Start a new generation of ``scopes``, or of everything if none is named."""
    try:
        if not scopes:
            _bump(COUNTS_GENERATION)
        for scope in set(scopes):
            _bump(_generation_key(scope))
    except Exception:  # the store is down: what was saved is saved all the same
        logger.warning("entry generations not renewed", exc_info=True)
