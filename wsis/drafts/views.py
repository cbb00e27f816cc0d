import functools
import logging

from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wsis import cache
from wsis.comments.models import PUBLISHED_ENTRIES, Entry
from wsis.drafts.access import get_version
from wsis.drafts.models import Paragraph, Version
from wsis.negotiation.models import ParagraphStatus, status_scope, statuses
from wsis.silence.outcome import silence_summary
from wsis.stakeholders.access import (
    active_membership,
    facilitated_consultations,
    request_memberships,
)

logger = logging.getLogger(__name__)


def rendered_text(version) -> dict[str, str]:
    """The contents and the paragraphs of a version as HTML, rendered once per version.

    A version's text does not change once imported (a new import is a new version), so
    this is cached; each request then only fills in the entry counts.
    """

    def compute():
        paragraphs = list(version.paragraphs.in_document_order())
        sections = []
        for paragraph in paragraphs:
            # Where its entry counts go, filled per request (``count_snippets``).
            paragraph.count_slot = cache.slot(str(paragraph.lineage))
            # And its status, filled per request too (``status_snippets``): it changes in the
            # room while the text stays.
            paragraph.status_slot = cache.slot(status_slot_name(paragraph.pk))
            if not sections or sections[-1]["section"].pk != paragraph.section_id:
                sections.append({"section": paragraph.section, "paragraphs": []})
            sections[-1]["paragraphs"].append(paragraph)
        context = {"sections": sections, "version": version}
        return {
            "toc": render_to_string("drafts/reader.html#toc", context),
            "sections": render_to_string("drafts/reader.html#sections", context),
            # Every paragraph of the consultation, so entries on earlier versions count too.
            "lineages": {
                pk: str(lineage)
                for pk, lineage in Paragraph.objects.filter(
                    version__consultation_id=version.consultation_id
                ).values_list("pk", "lineage")
            },
            # The versions of those paragraphs, to count their entries without a join.
            "versions": list(
                Version.objects.filter(consultation_id=version.consultation_id).values_list(
                    "pk", flat=True
                )
            ),
        }

    name = cache.key(
        "reader", version.pk, version.created.timestamp(), version.source_sha256, get_language()
    )
    return cache.cached(name, compute, cache.CONTENT_SECONDS)


def status_slot_name(paragraph_id) -> str:
    return f"status-{paragraph_id}"


def status_snippets(version) -> dict[str, str]:
    """Per status slot, the HTML of the paragraph's status (nothing while open), the same for
    every reader; cached until a status of the version changes (``status_scope``)."""

    def compute():
        return {
            status_slot_name(pk): render_to_string(
                "negotiation/_status_badge.html", {"status": row}
            ).strip()
            for pk, row in statuses(version).items()
            if row.status != ParagraphStatus.Status.OPEN
        }

    name = cache.key(
        "reader-statuses", version.pk, cache.generation(status_scope(version.pk)), get_language()
    )
    return cache.cached(name, compute, cache.STRUCTURE_SECONDS)


def count_snippets(version, user, organisation_id, organisation_ids=(), facilitates=False):
    """Per paragraph lineage, the HTML of its counts for this reader.

    ``organisation_ids`` are all the reader's organisations (whose entries they see),
    ``organisation_id`` the one they act for (whose entries are "ours"), ``facilitates``
    whether they facilitate the version's consultation (and see what is submitted to it).

    Cached per version and audience until an entry that audience sees changes (see
    ``scopes_of``): a delegate saving a draft renews only their organisation's counts, and
    the published counts, the same for everyone, are counted once for all readers.
    """
    organisation_ids = sorted(set(organisation_ids)) if user.is_authenticated else []
    facilitates = facilitates and user.is_authenticated
    scopes = [cache.PUBLIC] + [cache.organisation_scope(pk) for pk in organisation_ids]
    if facilitates:
        scopes.append(cache.FACILITATED)
    known = cache.generations(*scopes)
    audience = ",".join(scopes) + (f":ours={organisation_id}" if organisation_ids else "")

    def compute():
        counts = {
            lineage: {"total": total, "ours": 0, "drafts": 0}
            for lineage, total in published_counts(
                version, cache.joined(known, cache.PUBLIC)
            ).items()
        }
        if organisation_ids or facilitates:
            for lineage, extra in _other_counts(
                version, organisation_id, organisation_ids, facilitates
            ).items():
                found = counts.setdefault(lineage, {"total": 0, "ours": 0, "drafts": 0})
                for name, value in extra.items():
                    found[name] += value
        return {lineage: _count_html(c) for lineage, c in counts.items()}

    name = cache.key(
        "reader-counts", version.pk, cache.joined(known, *scopes), audience, get_language()
    )
    return cache.cached(name, compute, cache.ENTRIES_SECONDS)


def _by_lineage(version, rows) -> dict[str, dict]:
    """Rows grouped by paragraph, summed by paragraph lineage (entries made on earlier
    versions count on the paragraph they became)."""
    lineages = rendered_text(version)["lineages"]
    counts: dict[str, dict] = {}
    for row in rows:
        lineage = lineages.get(row.pop("paragraph_id"))
        if lineage is None:
            continue
        found = counts.setdefault(lineage, dict.fromkeys(row, 0))
        for name, value in row.items():
            found[name] += value
    return counts


def published_counts(version, generation: str | None) -> dict[str, int]:
    """Per paragraph lineage, the published entries: what every reader sees.

    Shared by all readers; ``generation`` is that of the published scope (None: not cached).
    """

    def compute():
        # Grouped by paragraph, with no join: an index-only scan of the partial index.
        rows = (
            Entry.objects.filter(PUBLISHED_ENTRIES)
            .filter(version_id__in=rendered_text(version)["versions"])
            .values("paragraph_id")
            .annotate(total=Count("*"))  # COUNT(*): from the index alone, no row read
            .order_by()
        )
        return {lineage: c["total"] for lineage, c in _by_lineage(version, rows).items()}

    return cache.cached(
        cache.key("reader-published", version.pk, generation), compute, cache.ENTRIES_SECONDS
    )


def _other_counts(version, organisation_id, organisation_ids, facilitates) -> dict[str, dict]:
    """Per lineage, what a member sees besides the published entries (their organisations'
    entries under way; what is submitted, if they facilitate), and how many of all they see
    are ours. The same audiences as ``Entry.objects.visible_to``, with known ids."""
    not_published = ~PUBLISHED_ENTRIES
    ours = Q(organisation_id=organisation_id)
    seen = Q(organisation_id__in=organisation_ids) & ~Q(moderation=Entry.Moderation.HIDDEN)
    if facilitates:
        submitted = Q(status__in=[Entry.Status.SUBMITTED, Entry.Status.WITHDRAWN])
        seen |= submitted & not_published
    rows = (
        Entry.objects.filter(seen, version_id__in=rendered_text(version)["versions"])
        .values("paragraph_id")
        .annotate(
            total=Count("pk", filter=not_published),
            ours=Count("pk", filter=ours),
            drafts=Count("pk", filter=ours & Q(status=Entry.Status.DRAFT)),
        )
        .order_by()
    )
    return _by_lineage(version, rows)


def _count_html(counts: dict) -> str:
    return _count_html_of(counts["total"], counts["ours"], counts["drafts"], get_language())


@functools.lru_cache(maxsize=4096)
def _count_html_of(total: int, ours: int, drafts: int, language: str) -> str:
    """The counts as HTML; the same few numbers recur across a draft's paragraphs, so
    remembered."""
    counts = {"total": total, "ours": ours, "drafts": drafts}
    parts = [
        format_html(
            '<span class="entry-count">{}</span>',
            ngettext("%(n)d entry", "%(n)d entries", counts["total"]) % {"n": counts["total"]},
        )
    ]
    if counts["ours"]:
        label = ngettext("%(n)d ours", "%(n)d ours", counts["ours"]) % {"n": counts["ours"]}
        if counts["drafts"]:
            label += " · " + ngettext("%(n)d draft", "%(n)d drafts", counts["drafts"]) % {
                "n": counts["drafts"]
            }
        parts.append(format_html('<span class="entry-ours">{}</span>', label))
    return "".join(parts)


def _versions_with_round(slug: str, label: str | None, user) -> tuple[Version, list[Version]]:
    """The version asked for and every published version of its consultation (the reader's
    list of versions), each with its consultation and round: one query, where ``get_version``
    and the list took two; a consultation has a handful of versions."""
    versions = list(
        Version.objects.published()
        .select_related("consultation", "round")
        .filter(consultation__slug=slug)
        .order_by("order")
    )
    if label is not None:
        found = next((v for v in versions if v.label == label), None)
    else:
        current = [v for v in versions if v.status != Version.Status.SUPERSEDED]
        found = (current or versions or [None])[-1]
    # A version in preparation, for its facilitators; the 404 for anyone else.
    return found or get_version(slug, label, user=user), versions


@require_GET
def reader(request: HttpRequest, slug: str, label: str | None = None) -> HttpResponse:
    version, versions = _versions_with_round(slug, label, request.user)
    membership = active_membership(request)
    organisation = membership.organisation if membership else None
    text = rendered_text(version)
    facilitates = any(c.pk == version.consultation_id for c in facilitated_consultations(request))
    snippets = count_snippets(
        version,
        request.user,
        organisation.pk if organisation else None,
        organisation_ids=[m.organisation_id for m in request_memberships(request)],
        facilitates=facilitates,
    )
    badges = status_snippets(version)
    round_ = getattr(version, "round", None)
    closes_at = round_.closes_at_for(organisation) if round_ else None
    now = timezone.now()
    context = {
        "consultation": version.consultation,
        "version": version,
        "versions": versions,
        "toc_html": mark_safe(text["toc"]),  # noqa: S308 - rendered by our own template
        # Counts via format_html, statuses rendered by our template.
        "sections_html": cache.fill(
            text["sections"], lambda name: badges.get(name) or snippets.get(name)
        ),
        "round": round_,
        "closes_at": closes_at,
        "round_is_open": bool(round_ and round_.is_open_for(organisation, now)),
        "round_not_yet_open": bool(round_ and now < round_.opens_at),
        "membership": membership,
        "facilitates": facilitates,
    } | silence_summary(version, now)
    return render(request, "drafts/reader.html", context)


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure to reach the database means "not ready"
        # Anyone may ask: the reason (host, port, role) goes to the log only.
        logger.exception("Health check: the database does not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
