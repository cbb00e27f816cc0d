"""What changed between any two versions: the context of the comparison page and its PDF.

Consecutive versions are compared through their confirmed alignment; versions further apart
through the chain of alignments between them, renamed from the shape of the composed links.
"""

from collections import Counter

from django.utils import timezone

from wsis.drafts.alignment import MERGED, NEW, SPLIT, _ancestors, classify, part_of, texts
from wsis.drafts.diff import diff_html
from wsis.drafts.models import ParagraphLink

# In the order the counts are shown.
KINDS = ["unchanged", "renumbered", "edited", "moved", "split", "merged", "new", "deleted"]


def comparison_context(old, new) -> dict:
    """``old`` and ``new`` are versions of one consultation; they are swapped if out of order.

    Used by ``drafts/compare.html`` and by ``drafts/compare_print.html`` (the PDF).
    """
    if old.order > new.order:
        old, new = new, old
    old_paragraphs = list(old.paragraphs.in_document_order())
    new_paragraphs = list(new.paragraphs.in_document_order())
    old_index = {p.pk: i for i, p in enumerate(old_paragraphs)}
    new_index = {p.pk: j for j, p in enumerate(new_paragraphs)}
    into, _ = _ancestors(new) if old != new else ({p.pk: {p.pk} for p in new_paragraphs}, {})
    edges = {
        (old_index[source], new_index[target])
        for source, targets in into.items()
        if source in old_index
        for target in targets
        if target in new_index
    }
    matches = classify(texts(old_paragraphs), texts(new_paragraphs), edges)

    rows = []
    by_new = {}
    for match in matches:
        if match.new is None:
            paragraph = old_paragraphs[match.old]
            rows.append(
                {
                    "kind": "deleted",
                    "new": None,
                    "old": [paragraph],
                    "score": None,
                    "section": rows[-1]["section"] if rows else paragraph.section.heading,
                }
            )
            continue
        if match.new in by_new:
            # The other parts of a merge: one row for the paragraph they became.
            by_new[match.new]["old"].append(old_paragraphs[match.old])
            by_new[match.new]["score"] = min(by_new[match.new]["score"], match.score)
            continue
        paragraph = new_paragraphs[match.new]
        row = {
            "kind": match.kind,
            "new": paragraph,
            "old": [old_paragraphs[match.old]] if match.old is not None else [],
            "score": match.score if match.kind != NEW else None,
            "section": paragraph.section.heading,
        }
        by_new[match.new] = row
        rows.append(row)
    labels = dict(ParagraphLink.Kind.choices)
    sections = []
    for row in rows:
        row["kind_label"] = labels[row["kind"]]
        before = " ".join(p.text for p in row["old"])
        after = row["new"].text if row["new"] else ""
        if row["kind"] == SPLIT:
            before = part_of(before, after)
        # The texts compared, for the Word document's tracked changes too.
        row["before"], row["after"] = before, after
        row["diff"] = diff_html(before, after)
        row["changed"] = row["kind"] not in ("unchanged", "renumbered")
        if row["kind"] == MERGED:
            row["old_labels"] = ", ".join(p.display_label for p in row["old"])
        if not sections or sections[-1]["heading"] != row["section"]:
            sections.append({"heading": row["section"], "rows": [], "counts": Counter()})
        sections[-1]["rows"].append(row)
        sections[-1]["counts"][row["kind"]] += 1
    totals = Counter()
    for section in sections:
        totals.update(section["counts"])
        section["count_list"] = [(k, labels[k], section["counts"][k]) for k in KINDS]
        section["changes"] = sum(n for k, n in section["counts"].items() if k != "unchanged")
    return {
        "consultation": new.consultation,
        "old": old,
        "new": new,
        "sections": sections,
        "kinds": [(k, labels[k]) for k in KINDS],
        "totals": [(k, labels[k], totals[k]) for k in KINDS],
    }


def context_for_job(job) -> dict:
    """The context of ``drafts/compare_print.html`` for a ``ReportJob`` of kind COMPARISON.

    ``job.version`` is the newer version; ``job.options["old"]`` the label of the one it is
    compared with (by default the version it follows).
    """
    new = job.version
    label = (job.options or {}).get("old")
    old = new.consultation.versions.get(label=label) if label else new.previous()
    if old is None:
        raise ValueError(f"{new.label} follows no other version: there is nothing to compare")
    return comparison_context(old, new) | {"generated_at": timezone.now()}
