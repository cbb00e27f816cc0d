"""Aligning two versions: the zero draft with Rev.1 (155 paragraphs), and 600-paragraph drafts.

The 600-paragraph versions are the zero draft four times over, each copy made distinct by a
numbered clause, then revised as Rev.1 revises the zero draft (and every copy so), so that
the aligner meets the same kinds of change at four times the size.
"""

from pathlib import Path

from django.db import transaction

from bench.timing import figure, median_seconds
from wsis.drafts.alignment import align, align_versions
from wsis.drafts.demo import ZERO_DRAFT
from wsis.drafts.importer import decode, import_draft, parse
from wsis.drafts.models import Consultation
from wsis.drafts.services import import_revision

REV1 = Path(__file__).resolve().parents[1] / "wsis" / "drafts" / "fixtures" / "wsis20-rev1.txt"


def _paragraphs(path):
    return [(p.label, p.text) for p in parse(decode(path.read_bytes())).paragraphs]


COPIES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]


def synthetic_versions(size: int) -> tuple[list, list]:
    old_base, new_base = _paragraphs(ZERO_DRAFT), _paragraphs(REV1)
    old, new = [], []
    copy = 0
    while len(old) < size:
        copy += 1
        tag = f" (copy {COPIES[copy - 1]})"
        old += [(f"{copy}.{label}", text + tag) for label, text in old_base]
        new += [(f"{copy}.{label}", text + tag) for label, text in new_base]
    return old[:size], new[:size]


def _all_edited(paragraphs):
    # No paragraph keeps its exact wording: nothing is paired by hash, all go through the index.
    return [(label, text.replace(" the ", " this ", 1) + " Edited.") for label, text in paragraphs]


def run() -> dict:
    old, new = _paragraphs(ZERO_DRAFT), _paragraphs(REV1)
    small = median_seconds(lambda: align(old, new), repeat=9)
    old600, new600 = synthetic_versions(600)
    large = median_seconds(lambda: align(old600, new600), repeat=5)
    edited600 = _all_edited(new600)
    rewritten = median_seconds(lambda: align(old600, edited600), repeat=5)

    consultation, _ = Consultation.objects.get_or_create(slug="bench-alignment", title="Bench")
    zero = import_draft(consultation, "Zero draft", parse(decode(ZERO_DRAFT.read_bytes())))
    rev1 = import_revision(consultation, "Rev.1", parse(decode(REV1.read_bytes())))

    def store():
        with transaction.atomic():
            align_versions(zero, rev1)

    stored = median_seconds(store, repeat=5)
    consultation.delete()
    return {
        "alignment.155_paragraphs": figure(small * 1000, "ms", paragraphs=155),
        "alignment.600_paragraphs": figure(large * 1000, "ms", paragraphs=600),
        "alignment.600_paragraphs_all_edited": figure(rewritten * 1000, "ms", paragraphs=600),
        "alignment.155_paragraphs_read_align_store": figure(stored * 1000, "ms", paragraphs=155),
    }
