"""Word-level differences between a paragraph and a proposed wording.

The diff is always computed, never typed: a proposal is stored as its full
text. Rendering marks insertions with ``<ins>`` and deletions with ``<del>``
(styled bold on yellow and underlined, and struck through), so that it reads in
colour, in black and white and with a screen reader alike.
"""

import hashlib
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from wsis.cache import CONTENT_SECONDS, cached_many, key

# Words with their trailing punctuation split off, so "connectivity." -> "connectivity", "."
# and an insertion before a full stop does not mark the last word as changed.
TOKEN = re.compile(r"\w[\w'’\-/]*|[^\w\s]")


@dataclass(frozen=True)
class Change:
    op: str  # "equal", "insert" or "delete"
    text: str


def spaced_tokens(text: str) -> tuple[list[str], list[str]]:
    """The tokens and, for each, the text from it up to the next token (its spacing)."""
    matches = list(TOKEN.finditer(text))
    tokens = [m.group() for m in matches]
    spans = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        spans.append(text[m.start() : end])
    return tokens, spans


def word_diff(old: str, new: str, *, exact: bool = False) -> list[Change]:
    """The changes from ``old`` to ``new``, word by word; the equal words with ``new``'s spacing.

    ``exact``: the spacing too, so that the equal and inserted texts make ``new`` and the equal
    and deleted ones ``old``, character for character (what accepting or rejecting every
    tracked change in Word must give).
    """
    old_tokens, old_spans = spaced_tokens(old)
    new_tokens, new_spans = spaced_tokens(new)
    matcher = SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    changes: list[Change] = []

    def add(op, text):
        if not text:
            return
        if changes and changes[-1].op == op:
            changes[-1] = Change(op, changes[-1].text + text)
        else:
            changes.append(Change(op, text))

    if exact:
        # Whatever comes before the first word (a space, or nothing).
        add("delete", old[: len(old) - len("".join(old_spans))])
        add("insert", new[: len(new) - len("".join(new_spans))])
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" and exact:
            for token, before, after in zip(
                old_tokens[i1:i2], old_spans[i1:i2], new_spans[j1:j2], strict=True
            ):
                add("equal", token)
                if before == after:
                    add("equal", after[len(token) :])
                else:
                    add("delete", before[len(token) :])
                    add("insert", after[len(token) :])
            continue
        if tag == "equal":
            add("equal", "".join(new_spans[j1:j2]))
            continue
        if tag in ("delete", "replace"):
            add("delete", "".join(old_spans[i1:i2]))
        if tag in ("insert", "replace"):
            add("insert", "".join(new_spans[j1:j2]))
    return changes


def _wrap(tag: str, text: str) -> str:
    # Keep the spacing outside the mark, so "<ins>word </ins>" does not underline a space.
    stripped = text.rstrip()
    trailing = text[len(stripped) :]
    return f"<{tag}>{escape(stripped)}</{tag}>{escape(trailing)}"


def diff_html(old: str, new: str) -> SafeString:
    parts = []
    for change in word_diff(old, new):
        if change.op == "equal":
            parts.append(escape(change.text))
        else:
            parts.append(_wrap("ins" if change.op == "insert" else "del", change.text))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of user text is escaped above


def cached_diffs(pairs) -> dict[tuple[str, str], SafeString]:
    """``diff_html`` for many (old, new) pairs, through the cache.

    Keyed by the texts themselves, so a cached diff can never be stale: a panel with
    hundreds of proposals costs one cache round trip instead of hundreds of diffs.
    """
    names = {
        pair: key("diff", hashlib.blake2b("\x00".join(pair).encode(), digest_size=20).hexdigest())
        for pair in set(pairs)
    }
    found = cached_many(
        names, lambda missing: {pair: str(diff_html(*pair)) for pair in missing}, CONTENT_SECONDS
    )
    return {pair: mark_safe(html) for pair, html in found.items()}  # noqa: S308 - diff_html's
