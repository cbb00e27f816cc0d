"""Where submitted entries sit in one version of the text.

An entry follows its paragraph into later versions through the alignment: one made on Zero
draft OP 31 sits, in Rev.1, on the paragraphs that continue OP 31 (``cached_ancestors``, read
the way ``wsis.comments.carry`` reads it). The moderation pages look at one version at a time
through a ``Placement``: which entries the version holds (its own and those carried to it) and
where each sits, from one cached map and one query for the version's paragraphs, whatever the
number of entries.
"""

from collections import defaultdict
from functools import cached_property

from django.db.models import Q

from wsis.comments.models import Entry
from wsis.drafts.alignment import cached_ancestors


class Placement:
    def __init__(self, version):
        self.version = version
        into, ends, own = cached_ancestors(version)
        self._into = into  # paragraph id -> ids of the version's paragraphs it became
        self._own = own
        # Paragraphs of earlier versions whose entries the version holds, deleted ones included:
        # their entries are still to be decided, and shown as no longer in the text.
        self._earlier = (set(into) | set(ends)) - own
        self._sources = defaultdict(set)
        for source, targets in into.items():
            for target in targets:
                self._sources[target].add(source)

    def submitted(self, prefix: str = "") -> Q:
        """The submitted entries the version holds: made on it, or on a paragraph that led to
        it (``prefix``: the path to the entry, e.g. ``"entries__"`` from an organisation)."""
        held = Q(**{f"{prefix}version": self.version})
        if self._earlier:
            held |= Q(**{f"{prefix}paragraph_id__in": sorted(self._earlier)})
        return held & Q(**{f"{prefix}status": Entry.Status.SUBMITTED})

    def entries(self):
        """What facilitators work on: every submitted entry the version holds, drafts never."""
        return Entry.objects.filter(self.submitted())

    @cached_property
    def paragraphs(self) -> dict:
        """The version's paragraphs by id, in document order, with their sections."""
        return {p.pk: p for p in self.version.paragraphs.in_document_order()}

    def sources_of(self, paragraphs) -> list[int]:
        """Ids of the paragraphs whose entries sit on ``paragraphs`` (of this version)."""
        return sorted({pk for p in paragraphs for pk in self._sources.get(p.pk, ())})

    def targets_of(self, paragraph_id: int) -> list:
        """The paragraphs of the version where entries made on ``paragraph_id`` now sit (none:
        it was deleted on the way), in document order."""
        found = [self.paragraphs[pk] for pk in self._into.get(paragraph_id, ())]
        return sorted(found, key=lambda p: p.order)

    def is_carried(self, entry) -> bool:
        return entry.paragraph_id not in self._own

    def place(self, entries) -> list:
        """Mark each entry with where it sits (``entry.sits``) and, when it was made on an
        earlier version, with ``entry.made_on`` (its version and paragraph), in memory.
        The entries come with ``paragraph__version`` selected."""
        entries = list(entries)
        for entry in entries:
            entry.sits = self.targets_of(entry.paragraph_id)
            entry.made_on = None
            if self.is_carried(entry):
                entry.made_on = {
                    "version": entry.paragraph.version.label,
                    "label": entry.paragraph.display_label,
                }
        return entries
