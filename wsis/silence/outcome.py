"""What a silence procedure came to: held, or broken on which paragraphs by which delegations.

One query for the breaks, whatever their number; the matrix page, the participants' summary
and the draft letter all read it.
"""

from dataclasses import dataclass, field

from wsis.silence.models import Break, Silence


@dataclass
class Row:
    paragraph: object
    breaks: list  # one cell per delegation of ``Outcome.organisations``: a Break or None

    @property
    def delegations(self) -> list:
        return [b.organisation for b in self.breaks if b is not None]


@dataclass
class Outcome:
    silence: Silence
    organisations: list = field(default_factory=list)  # the delegations that broke it
    rows: list[Row] = field(default_factory=list)  # the paragraphs broken, in document order

    @property
    def held(self) -> bool:
        return not self.rows

    @property
    def by_delegation(self) -> list[tuple[object, list]]:
        """Each delegation that broke silence with the paragraphs it broke it on."""
        return [
            (organisation, [row.paragraph for row in self.rows if row.breaks[column] is not None])
            for column, organisation in enumerate(self.organisations)
        ]


def outcome(silence: Silence) -> Outcome:
    breaks = list(
        Break.objects.filter(silence=silence)
        .select_related("paragraph", "organisation", "author")
        .order_by("paragraph__order", "organisation__acronym")
    )
    organisations = sorted({b.organisation for b in breaks}, key=lambda o: o.acronym)
    column = {o.pk: number for number, o in enumerate(organisations)}
    rows: list[Row] = []
    for found in breaks:
        if not rows or rows[-1].paragraph.pk != found.paragraph_id:
            rows.append(Row(found.paragraph, [None] * len(organisations)))
        rows[-1].breaks[column[found.organisation_id]] = found
    return Outcome(silence, organisations, rows)


def silence_summary(version, at=None) -> dict:
    """For a version's pages: its newest silence procedure, whether it runs (at ``at``), and,
    once it is over, what it came to. A version that was never under silence costs no query:
    every procedure sets its ``silence_until``, which came with the version."""
    if version.silence_until is None:
        return {"silence": None}
    silence = Silence.objects.latest_on(version)
    if silence is None:
        return {"silence": None}
    running = silence.is_running(at)
    return {
        "silence": silence,
        "silence_running": running,
        "silence_outcome": None if running else outcome(silence),
    }
