"""The JSON shape of a version, shared by ``export_version`` and the API."""

from collections import defaultdict

from wsis.comments.carry import carried_entries_for_version
from wsis.comments.models import TakenIn
from wsis.negotiation.models import ParagraphStatus, statuses


def entry_as_dict(entry) -> dict:
    return {
        "organisation": entry.organisation.acronym,
        "group": entry.organisation.group.code,
        "kind": entry.kind,
        "text": entry.text,
        "proposed_text": entry.proposed_text,
        "status": entry.status,
        "moderation": entry.moderation,
        "decision": entry.decision,
        "supporters": sorted(s.organisation.acronym for s in entry.supports.all()),
    }


def carried_as_dict(carried) -> dict:
    return entry_as_dict(carried.entry) | {"made_on": carried.made_on, "changed": carried.changed}


def taken_in_as_dict(row) -> dict:
    entry = row.entry
    return {
        "entry": entry.pk,
        "organisation": entry.organisation.acronym,
        "kind": entry.kind,
        "decision": entry.decision,
        "how": row.how,
    }


def version_as_dict(version, *, entries=None, carried=None) -> dict:
    """``entries``, when given, is a queryset of the entries to list under their paragraphs.

    ``carried``, when given, is a queryset of entries made on earlier versions: those that
    follow a paragraph of this version are listed under it too, with ``made_on`` (the version
    and paragraph they were made on), and those whose paragraph was deleted under
    ``orphaned_entries``.

    With ``entries``, each paragraph also lists the entries it took in (``took_in``) when the
    version was composed from the decisions (``wsis.moderation.compose``).
    """
    followers, orphaned = {}, []
    if carried is not None:
        carried = carried.prefetch_related("supports__organisation")
        followers, orphaned = carried_entries_for_version(version, carried)
    by_paragraph = defaultdict(list)
    if entries is not None:
        entries = entries.select_related("organisation__group").prefetch_related(
            "supports__organisation"
        )
        for entry in entries.order_by("created", "pk"):
            by_paragraph[entry.paragraph_id].append(entry_as_dict(entry))
        took_in = defaultdict(list)
        for row in (
            TakenIn.objects.filter(paragraph__version=version)
            .select_related("entry__organisation")
            .order_by("entry__created", "entry__pk")
        ):
            took_in[row.paragraph_id].append(taken_in_as_dict(row))
    found = statuses(version)
    sections = []
    current = None
    for paragraph in version.paragraphs.in_document_order():
        if current is None or current["heading"] != paragraph.section.heading:
            current = {"heading": paragraph.section.heading, "paragraphs": []}
            sections.append(current)
        item = {"label": paragraph.label, "kind": paragraph.kind, "text": paragraph.text}
        row = found.get(paragraph.pk)
        item["status"] = row.status if row else ParagraphStatus.Status.OPEN.value
        if row and row.status == ParagraphStatus.Status.PENDING:
            item["waiting_for"] = sorted(o.acronym for o in row.waiting_for.all())
        if entries is not None:
            item["entries"] = by_paragraph[paragraph.pk] + [
                carried_as_dict(c) for c in followers.get(paragraph.pk, [])
            ]
            item["took_in"] = took_in[paragraph.pk]
        current["paragraphs"].append(item)
    data = {
        "consultation": version.consultation.slug,
        "label": version.label,
        "title": version.title,
        # The front page's header block, as on the UN document; empty strings where unset.
        "header": version.header,
        "sections": sections,
    }
    if carried is not None:
        data["orphaned_entries"] = [carried_as_dict(c) for c in orphaned]
    return data
