"""The draft letter on a silence procedure (``wsis.silence``), as a PDF or a Word document.

The letter the President of the General Assembly sends to all permanent missions when the
deadline has passed: the text went out under silence until then, and silence held, or was
broken by these delegations on these paragraphs. It is a draft for the facilitators to finish
(the Word document above all); an annex lists the reasons and the wording proposed.
A job records the procedure in ``options["silence"]``.
"""

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH

from wsis.reports.compilation import file_fingerprint
from wsis.reports.word import add_header_block, marked_document
from wsis.silence.models import Break, Silence
from wsis.silence.outcome import outcome
from wsis.silence.zones import in_two_zones
from wsis.text import xml_safe

TEMPLATE = "reports/pdf/silence_letter.html"


def letter_options(silence) -> dict:
    return {"silence": silence.pk}


def letter_hash(silence, fmt: str, language: str) -> str:
    """A fingerprint of what the letter says: equal hashes, equal files."""
    breaks = Break.objects.filter(silence=silence).order_by("pk")
    return file_fingerprint(
        "silence",
        fmt,
        language,
        silence.version,
        silence=[silence.pk, silence.started, silence.deadline, silence.ended_early],
        breaks=list(
            breaks.values_list("pk", "paragraph__label", "organisation__name", "reason", "proposal")
        ),
    )


def labels(paragraphs) -> str:
    return ", ".join(p.display_label for p in paragraphs)


def _body(version, consultation, silence, found, deadline: str) -> dict:
    """The letter's words, for the PDF template and the Word document alike."""
    circulated = timezone.localtime(silence.started, consultation.tz)
    opening = _(
        "I have the honour to refer to my letter of %(date)s, by which I circulated the "
        "%(label)s of the %(title)s%(symbol)s under a silence procedure until %(deadline)s."
    ) % {
        "date": formats.date_format(circulated, "j F Y"),
        "label": version.label,
        "title": consultation.title,
        "symbol": f" ({version.symbol})" if version.symbol else "",
        "deadline": deadline,
    }
    if found.held:
        return {
            "opening": [
                opening,
                _(
                    "I wish to inform you that the silence procedure was not broken, and that "
                    "the draft is therefore agreed."
                ),
            ],
            "closing": [],
        }
    return {
        "opening": [
            opening,
            _(
                "I wish to inform you that silence has been broken by the following "
                "delegations, on the paragraphs indicated:"
            ),
        ],
        "closing": [
            _(
                "The co-facilitators will continue informal consultations on these paragraphs. "
                "The communications received are annexed to the present letter."
            )
        ],
    }


def letter_context(job) -> dict:
    silence = Silence.objects.select_related("version__consultation").get(pk=job.options["silence"])
    version = silence.version
    consultation = version.consultation
    found = outcome(silence)
    deadline = in_two_zones(silence.deadline, consultation)
    return {
        "consultation": consultation,
        "version": version,
        "silence": silence,
        "outcome": found,
        "delegations": [(o, labels(paragraphs)) for o, paragraphs in found.by_delegation],
        "generated": timezone.localtime(timezone.now(), consultation.tz),
        "courtesy": _("Please accept, Excellency, the assurances of my highest consideration."),
    } | _body(version, consultation, silence, found, deadline)


def letter_html(job) -> str:
    return render_to_string(TEMPLATE, letter_context(job))


def write_letter_docx(job, target) -> None:
    """The same letter in Word, for the secretariat to finish and sign."""
    context = letter_context(job)
    version = context["version"]
    document = marked_document()
    add_header_block(document, version)
    document.add_paragraph().add_run(_("Draft").upper()).bold = True
    letterhead = document.add_paragraph()
    letterhead.add_run(_("The President of the General Assembly")).bold = True
    letterhead.alignment = WD_ALIGN_PARAGRAPH.CENTER
    dated = document.add_paragraph(formats.date_format(context["generated"], "j F Y"))
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph(_("Excellency,"))
    for sentence in context["opening"]:
        document.add_paragraph(xml_safe(sentence))
    for organisation, paragraphs in context["delegations"]:
        document.add_paragraph(xml_safe(f"{organisation.name}: {paragraphs}"), style="List Bullet")
    for sentence in context["closing"]:
        document.add_paragraph(xml_safe(sentence))
    document.add_paragraph(context["courtesy"])
    document.add_paragraph(_("[Signature]"))
    document.add_paragraph(
        _("All Permanent Representatives and Permanent Observers to the United Nations, New York")
    )
    if context["outcome"].rows:
        document.add_page_break()
        document.add_heading(_("Annex: communications received"), level=1)
        for row in context["outcome"].rows:
            document.add_heading(xml_safe(row.paragraph.display_label), level=2)
            for broken in row.breaks:
                if broken is None:
                    continue
                said = document.add_paragraph()
                said.add_run(xml_safe(broken.organisation.name) + ": ").bold = True
                said.add_run(xml_safe(broken.reason))
                if broken.proposal:
                    proposed = document.add_paragraph(_("Proposed wording: "))
                    proposed.add_run(xml_safe(broken.proposal), style="Insertion")
    document.save(target)
