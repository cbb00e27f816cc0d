"""The rolling text: a version with every proposal inline in square brackets, attributed to the
organisations that made it, as delegations negotiate on it (NEGOTIATION.md).

- words inserted: ``[inserted words – UPU]`` where they go;
- words deleted: ``[deleted words – KEN delete]``;
- words replaced: the words deleted, then those inserted, each bracket attributed;
- proposals that rewrite overlapping words differently: alternatives,
  ``[wording A – BRA / wording B – JPN]`` (``KEN delete`` for one that deletes them);
- a paragraph some propose to delete: ``[JPN: delete]`` before it;
- a new paragraph proposed after OP 31: ``OP 31 bis`` with its text in brackets.

Organisations proposing the same change appear once together; supporters count as proponents.
Member States come first, then the other groups, in the compilation's order.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db.models import Q

from wsis.comments.models import PUBLISHED_ENTRIES, Entry
from wsis.drafts.diff import spaced_tokens

BIS = ["bis", "ter", "quater", "quinquies", "sexies", "septies", "octies", "novies", "decies"]


@dataclass
class Piece:
    """A run of the paragraph: plain ``text``, or a bracket."""

    kind: str  # "text", "insert", "delete" or "alternatives"
    text: str = ""
    proponents: list[str] = field(default_factory=list)
    # For "alternatives": (wording, proponents), an empty wording deleting the words.
    alternatives: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class Block:
    label: str  # as delegates say it: "OP 26", "OP 31 bis"
    anchor: str
    pieces: list[Piece]
    delete: list[str] = field(default_factory=list)  # who proposes to delete the paragraph
    new: bool = False
    paragraph_id: int | None = None  # None for a new paragraph
    status: str = ""  # as the rolling text names it: "Agreed ad ref"; "" while open


@dataclass
class RollingSection:
    heading: str
    blocks: list[Block] = field(default_factory=list)


def _proponents(entries) -> list[str]:
    """The acronyms of the organisations behind ``entries``, a negotiating group standing for
    those of its members among them."""
    found = {}
    for entry in entries:
        for organisation in [entry.organisation] + [s.organisation for s in entry.supports.all()]:
            found[organisation.pk] = organisation
    spoken_for = {
        organisation.pk
        for organisation in found.values()
        if any(group.pk in found for group in organisation.negotiating_groups.all())
    }
    shown = [o for pk, o in found.items() if pk not in spoken_for]
    return [o.acronym for o in sorted(shown, key=lambda o: (o.group.order, o.acronym))]


def _edits(tokens: list[str], spans: list[str], proposed: str) -> list[tuple[int, int, str]]:
    """What a wording changes in the paragraph: (first token, end token, words instead)."""
    new_tokens, new_spans = spaced_tokens(proposed)
    matcher = SequenceMatcher(a=tokens, b=new_tokens, autojunk=False)
    return [
        (i1, i2, "".join(new_spans[j1:j2]).strip())
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _clusters(edits: list[tuple[int, int, str, int]]) -> list[list[tuple[int, int, str, int]]]:
    """Edits grouped where they touch the same words (an insertion touches its position)."""
    clusters: list[list] = []
    end = -1.0
    for edit in sorted(edits, key=lambda e: (e[0], e[1])):
        start, stop = edit[0], max(edit[1], edit[0] + 0.5)
        if clusters and start < end:
            clusters[-1].append(edit)
            end = max(end, stop)
        else:
            clusters.append([edit])
            end = stop
    return clusters


def _rewrite(spans: list[str], start: int, stop: int, edits) -> str:
    """The words ``start``..``stop`` of the paragraph as one proposal's edits leave them."""
    out, position = [], start
    for first, end, words in sorted(edits):
        out.append("".join(spans[position:first]))
        if words:
            out.append(words + " ")
        position = end
    out.append("".join(spans[position:stop]))
    return " ".join("".join(out).split())


def paragraph_pieces(text: str, amendments: list[Entry]) -> list[Piece]:
    """The paragraph's words with the amendments' changes in brackets where they fall."""
    tokens, spans = spaced_tokens(text)
    by_entry = {entry.pk: entry for entry in amendments}
    edits = [
        (first, end, words, entry.pk)
        for entry in amendments
        for first, end, words in _edits(tokens, spans, entry.proposed_text)
    ]
    pieces, position = [], 0
    for cluster in _clusters(edits):
        start = min(e[0] for e in cluster)
        stop = max(e[1] for e in cluster)
        pieces.append(Piece("text", "".join(spans[position:start])))
        original = " ".join("".join(spans[start:stop]).split())
        mine: dict[int, list] = defaultdict(list)
        for first, end, words, pk in cluster:
            mine[pk].append((first, end, words))
        wordings: dict[str, list[Entry]] = defaultdict(list)
        for pk, own in mine.items():
            wordings[_rewrite(spans, start, stop, own)].append(by_entry[pk])
        if len(wordings) == 1:
            [(wording, entries)] = wordings.items()
            who = _proponents(entries)
            if original:
                pieces.append(Piece("delete", original, who))
            if wording:
                pieces.append(Piece("insert", wording, who))
        else:
            alternatives = [(wording, _proponents(found)) for wording, found in wordings.items()]
            pieces.append(Piece("alternatives", alternatives=alternatives))
        position = stop
    pieces.append(Piece("text", "".join(spans[position:])))
    return _spaced([piece for piece in pieces if piece.kind != "text" or piece.text.strip()])


def _spaced(pieces: list[Piece]) -> list[Piece]:
    """One space between a bracket and the words beside it (the paragraph's own spacing may
    have none where the change falls), none before the punctuation that follows it."""
    out: list[Piece] = []
    for piece in pieces:
        if piece.kind != "text":
            if out and out[-1].kind == "text" and not out[-1].text[-1:].isspace():
                out[-1].text += " "
            elif out and out[-1].kind != "text":
                out.append(Piece("text", " "))
        elif (
            out
            and out[-1].kind != "text"
            and (piece.text[:1].isalnum() or piece.text[:1] in '([“"')
        ):
            piece.text = " " + piece.text
        out.append(piece)
    return out


def rolling_text(
    version, *, with_pending: bool = False, statuses: dict[int, str] | None = None
) -> list[RollingSection]:
    """The version's rolling text, from the submitted proposals made on it that are published
    (and, with ``with_pending``, those pending moderation); ``statuses`` names the status of
    paragraphs that have one, by paragraph id (``wsis.negotiation`` sets them)."""
    statuses = statuses or {}
    shown = PUBLISHED_ENTRIES
    if with_pending:
        shown |= Q(status=Entry.Status.SUBMITTED, moderation=Entry.Moderation.PENDING)
    proposals = (
        Entry.objects.filter(shown, version=version)
        .exclude(kind=Entry.Kind.COMMENT)
        .select_related("organisation__group")
        .prefetch_related(
            "organisation__negotiating_groups",
            "supports__organisation__group",
            "supports__organisation__negotiating_groups",
        )
        .order_by("created", "pk")
    )
    by_paragraph: dict[int, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for entry in proposals:
        by_paragraph[entry.paragraph_id][entry.kind].append(entry)
    sections: list[RollingSection] = []
    for paragraph in version.paragraphs.in_document_order():
        if not sections or sections[-1].heading != paragraph.section.heading:
            sections.append(RollingSection(paragraph.section.heading))
        found = by_paragraph.get(paragraph.pk, {})
        block = Block(
            paragraph.display_label,
            paragraph.anchor,
            paragraph_pieces(paragraph.text, found.get(Entry.Kind.AMENDMENT, [])),
            delete=_proponents(found.get(Entry.Kind.DELETION, [])),
            paragraph_id=paragraph.pk,
            status=statuses.get(paragraph.pk, ""),
        )
        sections[-1].blocks.append(block)
        wordings: dict[str, list[Entry]] = defaultdict(list)
        for entry in found.get(Entry.Kind.NEW_PARAGRAPH, []):
            wordings[" ".join(entry.proposed_text.split())].append(entry)
        for number, (wording, entries) in enumerate(wordings.items()):
            suffix = BIS[number] if number < len(BIS) else f"({number + 1})"
            sections[-1].blocks.append(
                Block(
                    f"{paragraph.display_label} {suffix}",
                    f"{paragraph.anchor}-{suffix}",
                    [Piece("insert", wording, _proponents(entries))],
                    new=True,
                )
            )
    return sections


def _bracket(piece: Piece) -> str:
    who = ", ".join(piece.proponents)
    if piece.kind == "insert":
        return f"[{piece.text} – {who}]"
    if piece.kind == "delete":
        return f"[{piece.text} – {who} delete]"
    return (
        "["
        + " / ".join(
            f"{wording} – {', '.join(proponents)}" if wording else f"{', '.join(proponents)} delete"
            for wording, proponents in piece.alternatives
        )
        + "]"
    )


def block_text(block: Block) -> str:
    body = " ".join(
        "".join(p.text if p.kind == "text" else _bracket(p) for p in block.pieces).split()
    )
    lines = [f"[{', '.join(block.delete)}: delete]"] if block.delete else []
    status = f"[{block.status}] " if block.status else ""
    return "\n".join([*lines, f"{block.label}  {status}{body}"])


def as_plain_text(version, sections: list[RollingSection]) -> str:
    parts = [f"{version.consultation.title}", f"{version.label}: rolling text", ""]
    for section in sections:
        parts += [section.heading, ""]
        for block in section.blocks:
            parts += [block_text(block), ""]
    return "\n".join(parts).rstrip() + "\n"
