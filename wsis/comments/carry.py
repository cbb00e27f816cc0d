"""Entries made on earlier versions, carried to the paragraphs of a later one that continue
their paragraphs (``wsis.drafts.alignment`` knows which paragraphs those are)."""

from collections import defaultdict
from dataclasses import dataclass

from wsis.comments.models import Entry
from wsis.drafts.alignment import cached_ancestors
from wsis.drafts.models import Paragraph


@dataclass
class Carried:
    """An entry made on an earlier version, seen from a paragraph of a later one."""

    entry: object
    paragraph: object  # the paragraph it now belongs to; None when orphaned
    made_on_version: str
    made_on_label: str
    changed: bool

    @property
    def orphaned(self) -> bool:
        return self.paragraph is None

    @property
    def made_on(self) -> dict:
        return {"version": self.made_on_version, "label": self.made_on_label}


def carried_entries_for_version(version, entries=None) -> tuple[dict[int, list], list]:
    """Entries of earlier versions that follow the paragraphs of ``version``.

    Returns ``({paragraph id: [Carried, ...]}, [orphaned Carried, ...])``, in the order the
    entries were made. ``entries`` (a queryset of ``Entry``, e.g. what a user may see) limits
    what is considered; by default all submitted entries. Entries made on ``version`` itself are
    not included: they are its own.
    """
    into, ends, own = cached_ancestors(version)
    earlier = (set(into) | set(ends)) - own
    if not earlier:  # the first version, or nothing follows from earlier ones
        return {}, []
    if entries is None:
        entries = Entry.objects.filter(status=Entry.Status.SUBMITTED)
    found = list(
        entries.filter(paragraph_id__in=earlier)
        .select_related("paragraph__version", "organisation__group", "author")
        .order_by("paragraph__version__order", "paragraph__order", "created", "pk")
    )
    targets = {
        p.pk: p
        for p in Paragraph.objects.filter(
            pk__in={pk for e in found for pk in into.get(e.paragraph_id, ())}
        )
    }
    carried: dict[int, list] = defaultdict(list)
    orphaned = []
    for entry in found:
        made_on = entry.paragraph
        for pk in sorted(into.get(entry.paragraph_id, ()), key=lambda pk: targets[pk].order):
            target = targets[pk]
            carried[pk].append(
                Carried(
                    entry,
                    target,
                    made_on.version.label,
                    made_on.display_label,
                    changed=" ".join(made_on.text.split()) != " ".join(target.text.split()),
                )
            )
        if ends.get(entry.paragraph_id) and not into.get(entry.paragraph_id):
            orphaned.append(
                Carried(entry, None, made_on.version.label, made_on.display_label, changed=True)
            )
    return dict(carried), orphaned


def orphaned_entries(version, entries=None) -> list:
    """Entries of earlier versions whose paragraph was deleted on the way to ``version``."""
    return carried_entries_for_version(version, entries)[1]


# Drafts left on a superseded version ---------------------------------------------------------


def left_behind_target(entry):
    """The consultation's current open version, if ``entry`` was written on another one: a
    draft there can no longer be submitted, only carried to that version or discarded."""
    current = entry.version.consultation.current_version()
    if current is None or not current.is_open or current.pk == entry.version_id:
        return None
    return current


def carry_targets(entry, current) -> list:
    """The paragraphs of ``current`` that ``entry``'s paragraph became through the confirmed
    alignment, in document order; none if it was deleted on the way."""
    into, _, _ = cached_ancestors(current)
    return list(Paragraph.objects.filter(pk__in=into.get(entry.paragraph_id, ())).order_by("order"))


@dataclass
class LeftBehind:
    """A draft of an earlier version and where it may go in the current one."""

    entry: object
    targets: list  # paragraphs of the current version; empty when its paragraph was deleted


def left_behind_drafts(organisation, current) -> list[LeftBehind]:
    """The drafts of ``organisation`` in ``current``'s consultation written on other versions
    than ``current``, in the order they were written, each with its carry targets (one query
    for all of them)."""
    if current is None or not current.is_open:
        return []
    drafts = list(
        Entry.objects.filter(
            organisation=organisation,
            status=Entry.Status.DRAFT,
            version__consultation_id=current.consultation_id,
        )
        .exclude(version=current)
        .select_related("paragraph__version", "author")
        .order_by("paragraph__version__order", "paragraph__order", "created", "pk")
    )
    if not drafts:
        return []
    into, _, _ = cached_ancestors(current)
    wanted = {pk for entry in drafts for pk in into.get(entry.paragraph_id, ())}
    paragraphs = {p.pk: p for p in Paragraph.objects.filter(pk__in=wanted)}
    return [
        LeftBehind(
            entry,
            sorted(
                (paragraphs[pk] for pk in into.get(entry.paragraph_id, ())),
                key=lambda p: p.order,
            ),
        )
        for entry in drafts
    ]
