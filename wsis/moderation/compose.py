"""Compose the next revision from the decisions, and edit it before it is published.

A facilitator starts the next revision from the current version. Every proposal decided
``incorporated`` is applied: an amendment's wording replaces its paragraph's, a deletion removes
the paragraph, a new paragraph is inserted after the one it was proposed after. Where proposals
touch one paragraph in different ways (two wordings, a wording and a deletion), the paragraph
keeps its wording and the conflict is left for the facilitator: never resolved silently, and
the version cannot be published until they have. ``partially incorporated`` proposals, and
incorporated comments, are listed beside their paragraph for the facilitator to write in by
hand. Each paragraph records the entries it took in (``TakenIn``), and the composed version is
aligned with the one it follows from what composing did, so publication needs no guess.
"""

import difflib
import string
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from wsis.audit.models import record
from wsis.cache import renew
from wsis.comments.models import Entry, TakenIn
from wsis.drafts.alignment import cached_ancestors
from wsis.drafts.models import (
    LABEL_ERROR,
    Paragraph,
    ParagraphLink,
    Section,
    Version,
    normal_version_label,
)

TAKEN = (Entry.Decision.INCORPORATED, Entry.Decision.PARTIAL)


class ComposeError(ValueError):
    pass


@dataclass
class Composition:
    version: Version
    applied: int = 0
    by_hand: int = 0
    conflicts: list[Paragraph] = field(default_factory=list)


@dataclass
class _Planned:
    """A paragraph of the version being composed, before it is written."""

    source: Paragraph | None  # the paragraph it continues; None for an inserted one
    kind: str
    section: int  # the source section's order
    text: str
    uptake: list[tuple[Entry, str]] = field(default_factory=list)


def _normal(text: str) -> str:
    return " ".join(text.split())


def decided_entries(source: Version) -> dict[int, list[Entry]]:
    """The submitted entries decided (partially) incorporated that no published version took in
    yet, by the paragraph of ``source`` they now sit on (entries of earlier versions follow
    their paragraph through the alignment; those whose paragraph was deleted are left out)."""
    entries = (
        Entry.objects.filter(
            version__consultation_id=source.consultation_id,
            version__order__lte=source.order,
            status=Entry.Status.SUBMITTED,
            decision__in=TAKEN,
        )
        .exclude(moderation__in=[Entry.Moderation.REJECTED, Entry.Moderation.HIDDEN])
        .exclude(
            taken_into__paragraph__version__status__in=[
                Version.Status.OPEN,
                Version.Status.SUPERSEDED,
            ]
        )
        .select_related("organisation", "paragraph", "version")
        .order_by("created", "pk")
    )
    into, _ends, _own = cached_ancestors(source)
    order = dict(source.paragraphs.values_list("pk", "order"))
    by_paragraph: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        # A split paragraph continues in several: the first in the document takes its entries.
        targets = sorted(into.get(entry.paragraph_id, ()), key=order.__getitem__)
        if targets:
            by_paragraph[targets[0]].append(entry)
    return by_paragraph


def _plan(paragraph: Paragraph, entries: list[Entry]) -> tuple[list[_Planned], bool]:
    """What becomes of one paragraph: itself (unless deleted) and the paragraphs inserted after
    it; and whether its proposals are in conflict."""
    amendments, deletions, additions, by_hand = [], [], [], []
    for entry in entries:
        # A wording written against an earlier text would undo what changed since: by hand.
        stale = entry.paragraph_id != paragraph.pk and entry.paragraph.text != paragraph.text
        if (
            entry.decision == Entry.Decision.PARTIAL
            or entry.kind == Entry.Kind.COMMENT
            or (stale and entry.kind != Entry.Kind.NEW_PARAGRAPH)
        ):
            by_hand.append(entry)
        elif entry.kind == Entry.Kind.AMENDMENT:
            amendments.append(entry)
        elif entry.kind == Entry.Kind.DELETION:
            deletions.append(entry)
        else:
            additions.append(entry)
    outcomes = {_normal(e.proposed_text) for e in amendments} | ({None} if deletions else set())
    conflict = len(outcomes) > 1 or bool(deletions and by_hand)
    planned = []
    kept = _Planned(paragraph, paragraph.kind, paragraph.section.order, paragraph.text)
    kept.uptake = [(e, TakenIn.How.BY_HAND) for e in by_hand]
    if conflict:
        kept.uptake += [(e, TakenIn.How.CONFLICT) for e in amendments + deletions]
        planned.append(kept)
    elif not deletions:
        if amendments:
            kept.text = amendments[0].proposed_text.strip()
            kept.uptake += [(e, TakenIn.How.APPLIED) for e in amendments]
        planned.append(kept)
    # Several organisations proposing the same new paragraph: one paragraph takes them all in.
    inserted: dict[str, _Planned] = {}
    for entry in additions:
        wording = _normal(entry.proposed_text)
        if wording not in inserted:
            inserted[wording] = _Planned(
                None, paragraph.kind, paragraph.section.order, entry.proposed_text.strip()
            )
            planned.append(inserted[wording])
        inserted[wording].uptake.append((entry, TakenIn.How.APPLIED))
    return planned, conflict


def letters(number: int) -> str:
    """Preambular labels: A … Z, then AA, AB …"""
    label = ""
    while number:
        number, rest = divmod(number - 1, 26)
        label = string.ascii_uppercase[rest] + label
    return label


def labels_in_sequence(kinds: list[str]) -> list[str]:
    """The labels of paragraphs of these kinds, in this order: letters, then numbers."""
    counts = {Paragraph.Kind.PREAMBULAR: 0, Paragraph.Kind.OPERATIVE: 0}
    labels = []
    for kind in kinds:
        counts[kind] += 1
        number = counts[kind]
        labels.append(letters(number) if kind == Paragraph.Kind.PREAMBULAR else str(number))
    return labels


def link_kind(source: Paragraph, target: Paragraph) -> tuple[str, float]:
    if source.text == target.text:
        if source.label == target.label:
            return ParagraphLink.Kind.UNCHANGED, 1.0
        return ParagraphLink.Kind.RENUMBERED, 1.0
    ratio = difflib.SequenceMatcher(None, source.text.split(), target.text.split()).ratio()
    return ParagraphLink.Kind.EDITED, round(ratio, 3)


def check_label(consultation, label: str) -> str:
    label = normal_version_label(label)
    if label is None:
        raise ComposeError(LABEL_ERROR)
    if consultation.versions.filter(label=label).exists():
        raise ComposeError(_("A version labelled %(label)s already exists.") % {"label": label})
    return label


@transaction.atomic
def compose_revision(source: Version, label: str, *, actor=None, request=None) -> Composition:
    """Create the version that follows ``source`` (the current version), in preparation, from
    the decisions taken on what was proposed on it and before it."""
    consultation = source.consultation
    # One composition or import at a time: the versions of the consultation are locked.
    versions = list(consultation.versions.select_for_update().order_by("order"))
    preparing = [v for v in versions if v.status == Version.Status.PREPARING]
    if preparing:
        raise ComposeError(
            _("%(label)s is already in preparation: publish it before composing another.")
            % {"label": preparing[0].label}
        )
    current = consultation.current_version()
    if current is None or current.pk != source.pk:
        raise ComposeError(
            _("Compose from the current version, %(label)s.")
            % {"label": current.label if current else "–"}
        )
    label = check_label(consultation, label)
    by_paragraph = decided_entries(source)
    planned, conflicted, deleted = [], set(), []
    for paragraph in source.paragraphs.in_document_order():
        these, conflict = _plan(paragraph, by_paragraph.get(paragraph.pk, []))
        if conflict:
            conflicted.add(paragraph.pk)
        if not any(p.source is paragraph for p in these):
            deleted.append((len(planned), paragraph))
        planned += these

    version = Version.objects.create(
        consultation=consultation,
        label=label,
        title=source.title,
        order=versions[-1].order + 1,
        status=Version.Status.PREPARING,
    )
    used = {p.section for p in planned}
    sections = {
        section.order: Section(version=version, heading=section.heading, order=section.order)
        for section in source.sections.all()
        if section.order in used  # a section whose every paragraph was deleted goes too
    }
    Section.objects.bulk_create(sections.values())
    labels = labels_in_sequence([p.kind for p in planned])
    paragraphs = Paragraph.objects.bulk_create(
        Paragraph(
            version=version,
            section=sections[p.section],
            label=label_,
            kind=p.kind,
            text=p.text,
            order=position,
        )
        for position, (p, label_) in enumerate(zip(planned, labels, strict=True), start=1)
    )
    links, composition = [], Composition(version)
    deleted_at = defaultdict(list)
    for index, paragraph in deleted:
        deleted_at[index].append(paragraph)
    for index, (p, paragraph) in enumerate(zip(planned, paragraphs, strict=True)):
        for gone in deleted_at.pop(index, []):
            links.append(ParagraphLink(source=gone, kind=ParagraphLink.Kind.DELETED))
        if p.source is None:
            links.append(ParagraphLink(target=paragraph, kind=ParagraphLink.Kind.NEW))
        else:
            kind, score = link_kind(p.source, paragraph)
            links.append(ParagraphLink(source=p.source, target=paragraph, kind=kind, score=score))
            if p.source.pk in conflicted:
                composition.conflicts.append(paragraph)
    for gone in deleted_at.pop(len(planned), []):
        links.append(ParagraphLink(source=gone, kind=ParagraphLink.Kind.DELETED))
    for position, link in enumerate(links, start=1):
        link.version, link.position, link.confirmed = version, position, True
    ParagraphLink.objects.bulk_create(links)
    uptake = [
        TakenIn(paragraph=paragraph, entry=entry, how=how)
        for p, paragraph in zip(planned, paragraphs, strict=True)
        for entry, how in p.uptake
    ]
    TakenIn.objects.bulk_create(uptake)
    composition.applied = sum(u.how == TakenIn.How.APPLIED for u in uptake)
    composition.by_hand = sum(u.how == TakenIn.How.BY_HAND for u in uptake)
    # The new links change where entries of earlier versions sit for what is cached of them.
    transaction.on_commit(renew)
    record(
        "version.composed",
        version,
        actor=actor,
        request=request,
        previous=source.label,
        applied=composition.applied,
        by_hand=composition.by_hand,
        deleted=len(deleted),
        conflicts=[p.display_label for p in composition.conflicts],
    )
    return composition


def conflicts(version: Version) -> list[Paragraph]:
    """The paragraphs of ``version`` whose proposals are in conflict, still to be resolved."""
    return list(
        version.paragraphs.filter(took_in__how=TakenIn.How.CONFLICT).distinct().order_by("order")
    )


def _refresh_links(paragraphs) -> None:
    """The alignment says what editing made of each paragraph (unchanged, edited…)."""
    found = list(
        ParagraphLink.objects.filter(target__in=paragraphs, source__isnull=False).select_related(
            "source", "target"
        )
    )
    for link in found:
        link.kind, link.score = link_kind(link.source, link.target)
    ParagraphLink.objects.bulk_update(found, ["kind", "score"])


def _editable(paragraph: Paragraph) -> Paragraph:
    paragraph = Paragraph.objects.select_for_update().select_related("version").get(pk=paragraph.pk)
    if not paragraph.version.is_preparing:
        raise ComposeError(
            _("%(label)s is published: its text is final.") % {"label": paragraph.version.label}
        )
    return paragraph


@transaction.atomic
def edit_paragraph(paragraph, *, text: str, keep, actor=None, request=None) -> Paragraph:
    """A facilitator's wording for a paragraph of a version in preparation. ``keep``: the ids of
    the entries the paragraph took in that it still takes in; the others are let go, and a
    conflict the facilitator has now settled is recorded as written in by hand."""
    paragraph = _editable(paragraph)
    text = text.strip()
    if not text:
        raise ComposeError(_("A paragraph needs its text."))
    before = paragraph.text
    paragraph.text = text
    paragraph.save(update_fields=["text"])
    uptake = paragraph.took_in.all()
    let_go = sorted(uptake.exclude(entry_id__in=keep).values_list("entry_id", flat=True))
    uptake.filter(entry_id__in=let_go).delete()
    uptake.filter(how=TakenIn.How.CONFLICT).update(how=TakenIn.How.BY_HAND)
    _refresh_links([paragraph])
    transaction.on_commit(renew)
    record(
        "paragraph.edited",
        paragraph.version,
        actor=actor,
        request=request,
        paragraph=paragraph.display_label,
        before=before,
        after=text,
        let_go=let_go,
    )
    return paragraph


@transaction.atomic
def renumber(version: Version, *, actor=None, request=None) -> int:
    """Label the paragraphs of a version in preparation in sequence; the number relabelled."""
    version = Version.objects.select_for_update().get(pk=version.pk)
    if not version.is_preparing:
        raise ComposeError(
            _("%(label)s is published: its text is final.") % {"label": version.label}
        )
    paragraphs = list(version.paragraphs.order_by("order"))
    labels = labels_in_sequence([p.kind for p in paragraphs])
    changed = [p for p, label in zip(paragraphs, labels, strict=True) if p.label != label]
    if not changed:
        return 0
    # Two steps, as labels are unique in a version and the new ones may swap old ones.
    for p in changed:
        p.label = f"~{p.pk}"
    Paragraph.objects.bulk_update(changed, ["label"])
    for p, label in zip(paragraphs, labels, strict=True):
        p.label = label
    Paragraph.objects.bulk_update(changed, ["label"])
    _refresh_links(changed)
    transaction.on_commit(renew)
    record("version.renumbered", version, actor=actor, request=request, paragraphs=len(changed))
    return len(changed)


def taken_in_by(version: Version) -> dict[int, list[TakenIn]]:
    """The entries each paragraph of ``version`` took in, with what the pages show of them."""
    rows = (
        TakenIn.objects.filter(paragraph__version=version)
        .select_related("entry__organisation", "entry__paragraph", "entry__version")
        .order_by("entry__created", "entry__pk")
    )
    found = defaultdict(list)
    for row in rows:
        found[row.paragraph_id].append(row)
    return found
