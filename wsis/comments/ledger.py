"""How an organisation's input was addressed: every entry it submitted in a consultation,
its moderation and decision, and where its paragraph is now.

"Now" is the latest published version (``Consultation.current_version``). Where a published
version composed from the decisions took the entry in (``TakenIn``), its words are in that
paragraph and in what it became since; an entry decided not incorporated is "not taken in";
otherwise (no revision yet, or one imported as text) the entry is where its paragraph continues
through the confirmed alignment (``wsis.drafts.alignment``, as ``wsis.comments.carry`` follows
it), unless the paragraph was deleted on the way. The whole ledger takes a fixed number of
queries, however many entries it holds.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from wsis.comments.models import Entry, TakenIn
from wsis.drafts.alignment import cached_ancestors
from wsis.drafts.diff import cached_diffs
from wsis.drafts.models import Consultation, Paragraph, Version
from wsis.stakeholders.access import participating_membership, require_facilitator
from wsis.stakeholders.models import Organisation


@dataclass
class Line:
    entry: Entry
    now_in: Paragraph | None  # of the latest published version; None: not taken in
    # What survived of the proposed wording in ``now_in``, as a word diff (``attach_survivals``).
    survived: str = ""

    def as_json(self) -> dict:
        entry = self.entry
        return {
            "entry": entry.pk,
            "made_on": {"version": entry.version.label, "label": entry.paragraph.display_label},
            "kind": entry.kind,
            "moderation": entry.moderation,
            "decision": entry.decision,
            "rationale": entry.decision_rationale,
            "now_in": (
                {"version": self.now_in.version.label, "label": self.now_in.display_label}
                if self.now_in is not None
                else None
            ),
        }


def ledger(consultation: Consultation, organisation: Organisation, entries=None) -> list[Line]:
    """The organisation's submitted entries in the consultation, in the order they were made
    on (version, paragraph, time), each with the paragraph it now sits in.

    ``entries``: a queryset of ``Entry`` to draw from (what the reader may see); by default all.
    """
    if entries is None:
        entries = Entry.objects.all()
    found = list(
        entries.filter(
            organisation=organisation,
            version__consultation=consultation,
            status=Entry.Status.SUBMITTED,
        )
        .select_related("version", "paragraph")
        .order_by("version__order", "paragraph__order", "created", "pk")
    )
    latest = consultation.current_version()
    if latest is None or not found:
        return [Line(entry, None) for entry in found]
    # Each paragraph of ``latest`` is there too, continuing itself.
    into, _ends, _own = cached_ancestors(latest)
    took = {}
    for entry_id, paragraph_id in TakenIn.objects.filter(
        entry__in=[entry.pk for entry in found],
        paragraph__version__status__in=[Version.Status.OPEN, Version.Status.SUPERSEDED],
    ).values_list("entry_id", "paragraph_id"):
        took.setdefault(entry_id, set()).add(paragraph_id)
    wanted = {}
    for entry in found:
        if entry.pk in took:
            starts = took[entry.pk]
        elif entry.decision == Entry.Decision.NOT_INCORPORATED:
            starts = ()
        else:
            starts = (entry.paragraph_id,)
        wanted[entry.pk] = {pk for start in starts for pk in into.get(start, ())}
    targets = {
        paragraph.pk: paragraph
        for paragraph in Paragraph.objects.filter(
            pk__in={pk for pks in wanted.values() for pk in pks}
        ).select_related("version")
    }
    lines = []
    for entry in found:
        # A split paragraph continues in several: the first in the document stands for them.
        now = sorted((targets[pk] for pk in wanted[entry.pk]), key=lambda p: p.order)
        lines.append(Line(entry, now[0] if now else None))
    return lines


def attach_survivals(lines: list[Line]) -> None:
    """Give each line whose proposal is now in a paragraph the diff from the wording proposed
    to the wording there now: what survived, what was dropped, what was added."""
    pairs = {
        id(line): (line.entry.proposed_text, line.now_in.text)
        for line in lines
        if line.now_in is not None
        and line.entry.kind in (Entry.Kind.AMENDMENT, Entry.Kind.NEW_PARAGRAPH)
        and line.entry.proposed_text
    }
    rendered = cached_diffs(pairs.values())
    for line in lines:
        if id(line) in pairs:
            line.survived = rendered[pairs[id(line)]]


def get_ledger_organisation(
    request: HttpRequest, consultation: Consultation, acronym: str
) -> tuple[Organisation, bool]:
    """The organisation whose ledger the user may read, and whether they read it as a
    facilitator: facilitators any organisation accredited to the consultation (through the
    facilitator gate), members their own organisation, when it is accredited; others nothing."""
    organisation = get_object_or_404(
        Organisation.objects.select_related("group"),
        acronym=acronym,
        accreditations__consultation=consultation,
    )
    if consultation.is_facilitator(request.user):
        require_facilitator(request, consultation)
        return organisation, True
    membership = participating_membership(request, consultation)
    if membership is None or membership.organisation_id != organisation.pk:
        raise PermissionDenied
    return organisation, False
