"""How far a version has converged, as observers count it ("21 of 420 paragraphs agreed ad
ref, 259 with bracketed text"): per section and in total, the paragraphs agreed ad ref (or
closed), those agreed in informals, and the brackets and alternatives of the rolling text.

A bracket is each ``[…]`` of the rolling text: an insertion, a deletion, a set of
alternatives, a proposal to delete a paragraph, a new paragraph. An alternative is a bracket
that offers competing wordings (``[A – BRA / B – JPN]``), counted once however many it offers.
"""

from dataclasses import dataclass, field

from wsis.comments.rolling import RollingSection, rolling_text
from wsis.negotiation.models import ConvergenceSnapshot, ParagraphStatus, statuses


@dataclass
class Counts:
    heading: str = ""
    paragraphs: int = 0
    agreed: int = 0
    informals: int = 0
    bracketed: int = 0  # paragraphs with at least one bracket
    brackets: int = 0
    alternatives: int = 0

    def add(self, other: "Counts") -> None:
        for name in ("paragraphs", "agreed", "informals", "bracketed", "brackets", "alternatives"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Convergence:
    sections: list[Counts] = field(default_factory=list)
    total: Counts = field(default_factory=Counts)


def status_labels(found: dict[int, ParagraphStatus]) -> dict[int, str]:
    """The statuses as the rolling text names them ("Agreed ad ref"), open ones left out; a
    pending paragraph with the delegations it waits for ("Pending: DEU, JPN"), as a delegate
    reading the text needs to know whose answer it waits for."""
    labels = {}
    for pk, row in found.items():
        if row.status == ParagraphStatus.Status.OPEN:
            continue
        labels[pk] = row.get_status_display().capitalize()
        waiting = sorted(organisation.acronym for organisation in row.waiting_for.all())
        if row.status == ParagraphStatus.Status.PENDING and waiting:
            labels[pk] += ": " + ", ".join(waiting)
    return labels


def count(sections: list[RollingSection], found: dict[int, ParagraphStatus]) -> Convergence:
    """The counts of a rolling text, with the statuses ``found`` (``services.statuses``)."""
    result = Convergence()
    for section in sections:
        counts = Counts(heading=section.heading)
        for block in section.blocks:
            brackets = sum(piece.kind != "text" for piece in block.pieces) + bool(block.delete)
            counts.brackets += brackets
            counts.alternatives += sum(piece.kind == "alternatives" for piece in block.pieces)
            if block.new:
                continue
            row = found.get(block.paragraph_id)
            counts.paragraphs += 1
            counts.bracketed += brackets > 0
            counts.agreed += bool(row and row.is_agreed_ad_ref)
            counts.informals += bool(row and row.stage == ParagraphStatus.Stage.WORKING_GROUP)
        result.sections.append(counts)
        result.total.add(counts)
    return result


def negotiating_text(
    version, *, with_pending: bool = False
) -> tuple[list[RollingSection], dict[int, ParagraphStatus]]:
    """The version's rolling text with each paragraph's status, and those statuses."""
    found = statuses(version)
    return rolling_text(version, with_pending=with_pending, statuses=status_labels(found)), found


def convergence(version) -> Convergence:
    """The version's counts now, from its published proposals."""
    return count(*negotiating_text(version))


# The chart of snapshots: a bar per snapshot, its height the share of paragraphs agreed ad ref.
CHART_HEIGHT = 60
BAR_WIDTH = 24
BAR_GAP = 8


@dataclass
class Point:
    snapshot: ConvergenceSnapshot | None  # None: now
    label: str
    paragraphs: int
    agreed: int
    informals: int
    brackets: int
    alternatives: int
    x: int = 0
    y: int = 0
    height: int = 0


def history(version, now: Counts) -> list[Point]:
    """The version's snapshots in order, then the counts now, each placed on the chart."""
    points = [
        Point(s, s.label, s.paragraphs, s.agreed, s.informals, s.brackets, s.alternatives)
        for s in version.convergence_snapshots.all()
    ]
    points.append(
        Point(None, "", now.paragraphs, now.agreed, now.informals, now.brackets, now.alternatives)
    )
    for index, point in enumerate(points):
        point.height = (
            round(CHART_HEIGHT * point.agreed / point.paragraphs) if point.paragraphs else 0
        )
        point.x = index * (BAR_WIDTH + BAR_GAP)
        point.y = CHART_HEIGHT - point.height
    return points


def chart_width(points: list[Point]) -> int:
    return len(points) * (BAR_WIDTH + BAR_GAP)
