"""The JSON shape of a version, shared by ``export_version`` and the API."""

from collections import defaultdict


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


def version_as_dict(version, *, entries=None) -> dict:
    """``entries``, when given, is a queryset of the entries to list under their paragraphs."""
    by_paragraph = defaultdict(list)
    if entries is not None:
        entries = entries.select_related("organisation__group").prefetch_related(
            "supports__organisation"
        )
        for entry in entries.order_by("created", "pk"):
            by_paragraph[entry.paragraph_id].append(entry_as_dict(entry))
    sections = []
    current = None
    for paragraph in version.paragraphs.in_document_order():
        if current is None or current["heading"] != paragraph.section.heading:
            current = {"heading": paragraph.section.heading, "paragraphs": []}
            sections.append(current)
        item = {"label": paragraph.label, "kind": paragraph.kind, "text": paragraph.text}
        if entries is not None:
            item["entries"] = by_paragraph[paragraph.pk]
        current["paragraphs"].append(item)
    return {
        "consultation": version.consultation.slug,
        "label": version.label,
        "title": version.title,
        "sections": sections,
    }
