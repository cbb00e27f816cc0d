"""The parts of compilations laid out already, kept under MEDIA_ROOT by the digest of their inputs.

A large compilation is laid out in parts cut where the paragraphs alone say
(``parallel.part_ranges``), so after one new proposal the inputs of every part but one are the
same: those parts are found here, one part is laid out, and the merge redoes the contents, the
page numbers and the bookmarks.

- A part's key (``part_keys``) is a digest of everything its pages show (its paragraphs, each
  entry as the compilation shows it, the headings, the options and the language) and of what
  lays them out (the release's code, templates, stylesheet and translations, WeasyPrint): a
  change in any of these makes other keys, never a stale part.
- The file is written under a temporary name and moved into place, and its record inserted or
  updated in one statement: two compilations laying out the same part at once leave one whole
  file and one record.
- The cache holds at most ``REPORT_PART_CACHE_MB``: the least recently used parts go first,
  never those of the compilation that just used them. The parts of a version go when it is
  superseded or deleted.
"""

import hashlib
import json
import shutil
from collections import defaultdict
from collections.abc import Iterable
from importlib.metadata import version as installed

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from wsis.cache import release
from wsis.comments.models import Support
from wsis.drafts.models import Version
from wsis.reports.compilation import RENDERER_VERSION, Compilation, entries_for
from wsis.reports.models import CachedPart, part_path

# What of an entry a compilation shows, or sorts it by (``_item.html``, ``collect``); its
# revision and last change stand for anything else.
ENTRY_FIELDS = (
    "pk",
    "paragraph__order",
    "kind",
    "proposed_text",
    "text",
    "moderation",
    "decision",
    "decision_rationale",
    "submitted_at",
    "created",
    "revision",
    "updated",
    "organisation__name",
    "organisation__group_id",
    "organisation__group__name",
    "organisation__group__order",
)


def _renderer() -> dict:
    """What lays a part out, besides its inputs."""
    return {
        "release": release(),
        "renderer": RENDERER_VERSION,
        # By their metadata: importing WeasyPrint takes a second, and every process loads this
        # module (its signals).
        "weasyprint": installed("weasyprint"),
        "pydyf": installed("pydyf"),
    }


def part_keys(compilation: Compilation, ranges: list[tuple[int, int]], language: str) -> list[str]:
    """The key of each part (paragraph orders ``first``..``last``) of ``compilation``, which
    may be ``collect``'s light one: two queries, however many entries."""
    version = compilation.version
    entries = entries_for(version, compilation.options).select_related(None).prefetch_related(None)
    supporters = defaultdict(list)
    for entry_id, *supporter in (
        Support.objects.filter(entry__in=entries.values("pk"))
        .order_by("entry_id", "organisation__group__order", "organisation__name")
        .values_list("entry_id", "organisation__name", "organisation__group__name")
    ):
        supporters[entry_id].append(supporter)
    on_paragraph = defaultdict(list)
    for row in entries.order_by("pk").values_list(*ENTRY_FIELDS):
        on_paragraph[row[1]].append([*row, supporters[row[0]]])

    common = _renderer() | {
        "language": language,
        "options": compilation.options.as_dict(),
        "version": [version.pk, version.label, version.title, version.consultation.title],
    }
    # Where each section begins: a part that starts inside one shows no heading.
    section_starts = {
        section.order: section.blocks[0].paragraph.order for section in compilation.sections
    }
    keys = []
    for first, last in ranges:
        paragraphs = [
            block.paragraph
            for block in compilation.blocks
            if not block.is_new and first <= block.paragraph.order <= last
        ]
        state = common | {
            "continued": section_starts[paragraphs[0].section.order] < first,
            "paragraphs": [
                [
                    p.pk,
                    p.order,
                    p.label,
                    p.kind,
                    p.text,
                    p.section.order,
                    p.section.heading,
                    on_paragraph[p.order],
                ]
                for p in paragraphs
            ],
        }
        encoded = json.dumps(state, sort_keys=True, default=str).encode()
        keys.append(hashlib.sha256(encoded).hexdigest())
    return keys


def find(keys: Iterable[str]) -> dict[str, CachedPart]:
    """The parts of these keys in the cache (record and file), marked used now."""
    keys = list(keys)
    found = {
        part.key: part
        for part in CachedPart.objects.filter(key__in=keys)
        if part.path.exists()  # a record whose file went is laid out again
    }
    CachedPart.objects.filter(key__in=found).update(used=timezone.now())
    return found


def record(version_id: int, key: str, laid_out: dict, size: int) -> CachedPart:
    """Keep the record of a part whose file is in place (``part_path``)."""
    part = CachedPart(
        key=key,
        version_id=version_id,
        pages=laid_out["pages"],
        sections=laid_out["sections"],
        size=size,
        used=timezone.now(),
    )
    # One statement: a compilation laying out the same part at once updates the same record.
    CachedPart.objects.bulk_create(
        [part],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["version", "pages", "sections", "size", "used"],
    )
    return part


def evict(keep: Iterable[str] = ()) -> int:
    """Remove the least recently used parts, except ``keep``, until the cache holds at most
    ``REPORT_PART_CACHE_MB``; returns how many went."""
    limit = settings.REPORT_PART_CACHE_MB * 2**20
    total = CachedPart.objects.aggregate(total=Sum("size"))["total"] or 0
    removed = 0
    oldest = CachedPart.objects.exclude(key__in=list(keep)).order_by("used", "pk")
    for part in oldest.iterator():
        if total <= limit:
            break
        # Unless another compilation has used it since: then it is no longer the oldest.
        deleted, _by_model = CachedPart.objects.filter(pk=part.pk, used=part.used).delete()
        if deleted:
            part.path.unlink(missing_ok=True)
            total -= part.size
            removed += 1
    return removed


def forget_version(version_id: int) -> None:
    """Remove a version's parts: no compilation of it is expected any more."""
    CachedPart.objects.filter(version_id=version_id).delete()
    shutil.rmtree(part_path(version_id, "-").parent, ignore_errors=True)


def forget_superseded(sender, instance: Version, **kwargs) -> None:
    """When a version is superseded (``post_save``), once that is committed."""
    version_id = instance.pk
    if instance.status == Version.Status.SUPERSEDED:
        transaction.on_commit(lambda: forget_version(version_id))


def forget_deleted(sender, instance: Version, **kwargs) -> None:
    """When a version is deleted (``post_delete``): its records went with it, not its files."""
    version_id = instance.pk
    transaction.on_commit(lambda: forget_version(version_id))
