"""What the room shows: the paragraphs under the pen, each with its status, its proposals in
brackets (the rolling text), the working wording with what it changes, and who has the floor.

Rendered once per change (``render_screen``) and sent as it is to every reader, so it holds
nothing personal: no form, no token, no name of the person reading.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from wsis.comments.rolling import Block, rolling_text
from wsis.drafts.diff import diff_html
from wsis.drafts.models import Paragraph
from wsis.negotiation.models import ParagraphStatus
from wsis.room.models import LogEntry, Reading


@dataclass
class Shown:
    paragraph: Paragraph
    blocks: list[Block]
    wording: str
    changes: str  # the working wording as a word diff against the paragraph, "" if unchanged
    floor: LogEntry | None
    status: ParagraphStatus | None  # None: open


def shown_paragraphs(reading: Reading) -> list[Paragraph]:
    """The paragraph under the pen and the ``span - 1`` after it, in document order."""
    return list(
        reading.version.paragraphs.in_document_order().filter(order__gte=reading.paragraph.order)[
            : reading.span
        ]
    )


def screen(reading: Reading) -> list[Shown]:
    paragraphs = shown_paragraphs(reading)
    anchors = {paragraph.anchor: paragraph for paragraph in paragraphs}
    blocks: dict[int, list[Block]] = {paragraph.pk: [] for paragraph in paragraphs}
    for section in rolling_text(reading.version):
        for block in section.blocks:
            # A new paragraph proposed after OP 31 is anchored "OP31-bis": it belongs to OP 31.
            found = anchors.get(block.anchor.split("-")[0])
            if found is not None:
                blocks[found.pk].append(block)
    wordings = dict(
        reading.wordings.filter(paragraph__in=paragraphs).values_list("paragraph", "text")
    )
    floors = {}
    for entry in (
        reading.log.filter(paragraph__in=paragraphs, kind=LogEntry.Kind.FLOOR)
        .order_by("at", "pk")
        .select_related("organisation")
    ):
        floors[entry.paragraph_id] = entry
    found = {
        row.paragraph_id: row
        for row in ParagraphStatus.objects.filter(paragraph__in=paragraphs).prefetch_related(
            "waiting_for"
        )
    }
    shown = []
    for paragraph in paragraphs:
        wording = wordings.get(paragraph.pk, paragraph.text)
        changes = diff_html(paragraph.text, wording) if wording != paragraph.text else ""
        shown.append(
            Shown(
                paragraph,
                blocks[paragraph.pk],
                wording,
                changes,
                floors.get(paragraph.pk),
                found.get(paragraph.pk),
            )
        )
    return shown


def screen_context(reading: Reading) -> dict:
    total = reading.version.paragraphs.count()
    position = reading.version.paragraphs.filter(order__lte=reading.paragraph.order).count()
    return {"reading": reading, "shown": screen(reading), "position": position, "total": total}


def render_screen(reading: Reading) -> str:
    """The screen's HTML, the same for every reader: in the site's language, since it is
    rendered once for all (the page around it is in each reader's)."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("room/_screen.html", screen_context(reading))
