"""The ledger of an organisation (``wsis.comments.ledger``) as a PDF, rendered by the workers.

A job records whose ledger it is (``job.organisation``), the version "now" stood for when it
was asked (``job.version``, the consultation's latest) and whether it was asked by a
facilitator (``options["with_hidden"]``): facilitators read every submission, members do not
read what a facilitator hid of theirs, on the page as in the PDF.
"""

import hashlib
import json

from django.template.loader import render_to_string
from django.utils import timezone

from wsis.comments.ledger import ledger
from wsis.comments.models import Entry, attach_diffs
from wsis.reports.compilation import RENDERER_VERSION

TEMPLATE = "reports/pdf/ledger.html"


def ledger_options(as_facilitator: bool) -> dict:
    return {"with_hidden": bool(as_facilitator)}


def readable_entries(options: dict):
    """What the asker read on the ledger page: everything for a facilitator; for a member of
    the organisation, its own entries but those a facilitator hid (``Entry.visible_to``)."""
    if options.get("with_hidden"):
        return Entry.objects.all()
    return Entry.objects.exclude(moderation=Entry.Moderation.HIDDEN)


def ledger_lines(version, organisation, options: dict) -> list:
    lines = ledger(version.consultation, organisation, readable_entries(options))
    attach_diffs([line.entry for line in lines])
    return lines


def ledger_hash(version, organisation, options: dict, language: str) -> str:
    """A fingerprint of what the PDF shows: equal hashes, equal files."""
    lines = ledger(version.consultation, organisation, readable_entries(options))
    state = {
        "renderer": RENDERER_VERSION,
        "kind": "ledger",
        "language": language,
        "version": [version.pk, version.label, version.consultation.title],
        "organisation": [organisation.pk, organisation.name, organisation.acronym],
        "options": options,
        "lines": [
            [
                line.entry.pk,
                line.entry.revision,
                line.entry.updated.isoformat(),
                line.entry.moderation,
                line.entry.moderation_reason,
                line.entry.decision,
                line.entry.decision_rationale,
                line.now_in.pk if line.now_in else None,
            ]
            for line in lines
        ],
    }
    encoded = json.dumps(state, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def ledger_html(job) -> str:
    consultation = job.version.consultation
    lines = ledger_lines(job.version, job.organisation, job.options)
    context = {
        "consultation": consultation,
        "version": job.version,
        "organisation": job.organisation,
        "lines": lines,
        "taken_in": sum(line.now_in is not None for line in lines),
        "generated": timezone.localtime(timezone.now(), consultation.tz),
    }
    return render_to_string(TEMPLATE, context)
