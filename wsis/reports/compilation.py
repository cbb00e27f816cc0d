"""What goes into a report: the paragraphs of a version and the entries under each.

One function collects it for every format (PDF, DOCX, CSV), so that the web page, the worker
and ``compile_report`` agree on what a compilation contains and in which order.
"""

import hashlib
import json
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Prefetch

from wsis.comments.models import Entry, Support
from wsis.drafts.diff import diff_html, word_diff
from wsis.drafts.models import Paragraph, Version
from wsis.stakeholders.models import Organisation, StakeholderGroup

# Bump when the templates or the rules change, so identical inputs stop matching older files.
RENDERER_VERSION = 5


@dataclass(frozen=True)
class Options:
    # Published entries are what the negotiation may rely on; pending ones only if asked.
    with_pending: bool = False
    groups: tuple[str, ...] = ()  # stakeholder group codes; empty means all
    first_section: int | None = None  # section order, inclusive
    last_section: int | None = None
    with_decisions: bool = True
    # For a comparison: the label of the earlier version (by default the one it follows).
    compare_with: str | None = None

    @classmethod
    def from_dict(cls, data: dict) -> "Options":
        return cls(
            with_pending=bool(data.get("with_pending", False)),
            groups=tuple(sorted(data.get("groups") or ())),
            first_section=data.get("first_section"),
            last_section=data.get("last_section"),
            with_decisions=bool(data.get("with_decisions", True)),
            compare_with=data.get("old"),
        )

    def as_dict(self) -> dict:
        data = {
            "with_pending": self.with_pending,
            "groups": list(self.groups),
            "first_section": self.first_section,
            "last_section": self.last_section,
            "with_decisions": self.with_decisions,
        }
        # Only comparisons carry it, so the inputs (and hashes) of other reports stay as they were.
        if self.compare_with:
            data["old"] = self.compare_with
        return data


@dataclass
class Item:
    """One entry as a report shows it."""

    entry: Entry
    label: str  # of the paragraph it is on, "OP31 bis" for a new paragraph after OP31
    attribution: str
    supporters: list[str]

    @property
    def pending(self) -> bool:
        """Not yet moderated: a report that includes it marks it so."""
        return self.entry.moderation == Entry.Moderation.PENDING

    @property
    def diff(self):
        pair = self.entry.diff_pair()
        return diff_html(*pair) if pair else ""

    @property
    def changes(self):
        """The changes with their spacing, as tracked changes and AKN's ``ins``/``del`` need."""
        pair = self.entry.diff_pair()
        return word_diff(*pair, exact=True) if pair else []


@dataclass
class GroupBlock:
    group: StakeholderGroup
    items: list[Item]


@dataclass
class Block:
    """A paragraph of the draft (or a proposed new one) and what was said about it."""

    label: str
    anchor: str
    paragraph: Paragraph
    is_new: bool = False
    groups: list[GroupBlock] = field(default_factory=list)

    @property
    def items(self) -> list[Item]:
        return [item for block in self.groups for item in block.items]

    @property
    def proposals(self) -> list[Item]:
        return [item for item in self.items if item.entry.is_proposal]

    @property
    def comments(self) -> list[Item]:
        return [item for item in self.items if not item.entry.is_proposal]


@dataclass
class SectionBlock:
    heading: str
    order: int
    blocks: list[Block]
    continued: bool = False  # carries on from the previous part of a split render


@dataclass
class Compilation:
    version: Version
    options: Options
    organisation: Organisation | None
    sections: list[SectionBlock]
    counts: list[tuple[StakeholderGroup, int, int]]  # group, organisations, entries

    @property
    def blocks(self) -> list[Block]:
        return [block for section in self.sections for block in section.blocks]

    @property
    def items(self) -> list[Item]:
        return [item for block in self.blocks for item in block.items]


def label_of(paragraph: Paragraph, new: bool = False) -> str:
    return f"{paragraph.anchor} bis" if new else paragraph.anchor


def entries_for(version: Version, options: Options, organisation: Organisation | None = None):
    """Submitted entries that are published, and pending ones if asked; never rejected or
    hidden ones."""
    moderation = [Entry.Moderation.PUBLISHED]
    if options.with_pending:
        moderation.append(Entry.Moderation.PENDING)
    entries = Entry.objects.filter(
        version=version, status=Entry.Status.SUBMITTED, moderation__in=moderation
    )
    if options.groups:
        entries = entries.filter(organisation__group__code__in=options.groups)
    if organisation is not None:
        entries = entries.filter(organisation=organisation)
    if options.first_section is not None:
        entries = entries.filter(paragraph__section__order__gte=options.first_section)
    if options.last_section is not None:
        entries = entries.filter(paragraph__section__order__lte=options.last_section)
    supports = Support.objects.select_related("organisation__group").order_by(
        "organisation__group__order", "organisation__name"
    )
    return entries.select_related("organisation__group", "paragraph", "author").prefetch_related(
        Prefetch("supports", queryset=supports)
    )


def _sort_key(entry: Entry):
    # Member States first (group order), then alphabetical inside a group; comments after
    # proposals of the same organisation, earlier ones first.
    return (
        entry.organisation.group.order,
        entry.organisation.name.casefold(),
        entry.kind == Entry.Kind.COMMENT,
        entry.submitted_at or entry.created,
        entry.pk,
    )


def _grouped(items: list[Item]) -> list[GroupBlock]:
    items.sort(key=lambda item: _sort_key(item.entry))
    return [
        GroupBlock(group=group, items=list(members))
        for group, members in groupby(items, key=lambda item: item.entry.organisation.group)
    ]


def collect(
    version: Version,
    options: Options | None = None,
    organisation: Organisation | None = None,
    *,
    orders: tuple[int, int] | None = None,
    light: bool = False,
) -> Compilation:
    """The paragraphs and their entries, in document order.

    ``orders``: only the paragraphs of these orders (inclusive), as one part of a compilation
    rendered in parts needs; a section that began before them is marked ``continued``.
    ``light``: blocks without their entries, and the counts: enough for the cover, the
    contents, the bookmarks and cutting into parts, in a fraction of the time.
    """
    options = options or Options()
    paragraphs = version.paragraphs.in_document_order()
    if options.first_section is not None:
        paragraphs = paragraphs.filter(section__order__gte=options.first_section)
    if options.last_section is not None:
        paragraphs = paragraphs.filter(section__order__lte=options.last_section)
    entries = entries_for(version, options, organisation)
    selected = paragraphs
    if orders is not None:
        selected = paragraphs.filter(order__gte=orders[0], order__lte=orders[1])
        entries = entries.filter(paragraph__order__gte=orders[0], paragraph__order__lte=orders[1])

    on_paragraph: dict[int, list[Item]] = {}
    new_after: dict[int, list[Item]] = {}
    # A new paragraph proposed after a paragraph has a block of its own.
    proposed_after: set[int] = set()
    by_group: dict[int, tuple[StakeholderGroup, set, int]] = {}

    def count(group: StakeholderGroup, organisation_id: int) -> None:
        _, orgs, n = by_group.get(group.pk, (group, set(), 0))
        orgs.add(organisation_id)
        by_group[group.pk] = (group, orgs, n + 1)

    if light:
        groups = {group.pk: group for group in StakeholderGroup.objects.all()}
        rows = (
            entries.select_related(None)
            .prefetch_related(None)
            .values_list("paragraph_id", "kind", "organisation_id", "organisation__group_id")
        )
        for paragraph_id, kind, organisation_id, group_id in rows:
            if kind == Entry.Kind.NEW_PARAGRAPH:
                proposed_after.add(paragraph_id)
            count(groups[group_id], organisation_id)
    else:
        for entry in entries:
            is_new = entry.kind == Entry.Kind.NEW_PARAGRAPH
            item = Item(
                entry=entry,
                label=label_of(entry.paragraph, is_new),
                attribution=entry.organisation.attribution,
                supporters=[support.organisation.attribution for support in entry.supports.all()],
            )
            (new_after if is_new else on_paragraph).setdefault(entry.paragraph_id, []).append(item)
            count(entry.organisation.group, entry.organisation_id)
        proposed_after = set(new_after)

    sections: list[SectionBlock] = []
    for paragraph in selected:
        if not sections or sections[-1].order != paragraph.section.order:
            sections.append(SectionBlock(paragraph.section.heading, paragraph.section.order, []))
        blocks = sections[-1].blocks
        blocks.append(
            Block(
                label=label_of(paragraph),
                anchor=paragraph.anchor,
                paragraph=paragraph,
                groups=_grouped(on_paragraph.get(paragraph.pk, [])),
            )
        )
        if paragraph.pk in proposed_after:
            blocks.append(
                Block(
                    label=label_of(paragraph, new=True),
                    anchor=f"{paragraph.anchor}bis",
                    paragraph=paragraph,
                    is_new=True,
                    groups=_grouped(new_after.get(paragraph.pk, [])),
                )
            )
    if orders is not None and sections:
        first = sections[0].blocks[0].paragraph
        sections[0].continued = paragraphs.filter(
            section_id=first.section_id, order__lt=first.order
        ).exists()
    counts = sorted(
        ((group, len(orgs), n) for group, orgs, n in by_group.values()),
        key=lambda row: row[0].order,
    )
    return Compilation(version, options, organisation, sections, counts)


def input_hash(
    kind: str,
    fmt: str,
    version: Version,
    options: Options,
    organisation: Organisation | None,
    language: str,
) -> str:
    """A fingerprint of everything a report is made from: equal hashes, equal files."""
    entries = entries_for(version, options, organisation).order_by("pk")
    return file_fingerprint(
        kind,
        fmt,
        language,
        version,
        organisation=organisation.pk if organisation else None,
        options=options.as_dict(),
        paragraphs=list(
            version.paragraphs.order_by("order").values_list(
                "pk", "label", "text", "section__heading"
            )
        ),
        entries=[
            [
                entry.pk,
                entry.revision,
                entry.updated.isoformat(),
                entry.moderation,
                entry.decision,
                entry.decision_rationale,
                entry.organisation.name,
                entry.organisation.group.name,
                sorted(support.organisation_id for support in entry.supports.all()),
            ]
            for entry in entries
        ],
    )


def file_fingerprint(kind: str, fmt: str, language: str, version, **state) -> str:
    """The fingerprint of a file of ``kind`` made from ``version`` and ``state``: the renderer,
    the format, the language and the version's front page always count."""
    state |= {
        "renderer": RENDERER_VERSION,
        "kind": kind,
        "format": fmt,
        "language": language,
        "version": [version.pk, version.label, version.title, version.consultation.title],
        "header": version.header,
    }
    encoded = json.dumps(state, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()
