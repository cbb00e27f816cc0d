import re

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wsis.comments.models import Entry, counts_generation
from wsis.drafts.access import get_version
from wsis.drafts.models import Consultation, Paragraph, Version
from wsis.stakeholders.access import active_membership

# Where each paragraph's entry counts go in the cached text: <!--entries:LINEAGE-->.
COUNT_SLOT = re.compile(r"<!--entries:([0-9a-f-]{36})-->")
READER_CACHE_SECONDS = 24 * 3600
# Writes that send no signal (QuerySet.update, bulk_create) show within this delay at worst.
COUNTS_CACHE_SECONDS = 300


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    consultations = list(Consultation.objects.all())
    if len(consultations) == 1:
        return redirect(consultations[0])
    return render(request, "drafts/home.html", {"consultations": consultations})


def rendered_text(version) -> dict[str, str]:
    """The contents and the paragraphs of a version as HTML, rendered once per version.

    A version's text does not change once imported (a new import is a new version), so
    this is cached; each request then only fills in the entry counts.
    """
    key = f"reader:{version.pk}:{version.created.timestamp()}:{version.source_sha256}"
    key += f":{get_language()}"
    found = cache.get(key)
    if found is None:
        paragraphs = list(version.paragraphs.in_document_order())
        sections = []
        for paragraph in paragraphs:
            if not sections or sections[-1]["section"].pk != paragraph.section_id:
                sections.append({"section": paragraph.section, "paragraphs": []})
            sections[-1]["paragraphs"].append(paragraph)
        context = {"sections": sections, "version": version}
        found = {
            "toc": render_to_string("drafts/reader.html#toc", context),
            "sections": render_to_string("drafts/reader.html#sections", context),
            # Every paragraph of the consultation, so entries on earlier versions count too.
            "lineages": {
                pk: str(lineage)
                for pk, lineage in Paragraph.objects.filter(
                    version__consultation_id=version.consultation_id
                ).values_list("pk", "lineage")
            },
        }
        cache.set(key, found, READER_CACHE_SECONDS)
    return found


def count_snippets(version, user, organisation_id) -> dict[str, str]:
    """Per paragraph lineage, the HTML of its counts for this reader.

    Cached per version and reader until an entry changes (see ``bump_counts``), so a busy
    reader costs no count query at all; the first reader after a change pays one.
    """
    audience = f"u{user.pk}:{organisation_id}" if user.is_authenticated else "anonymous"
    key = f"reader-counts:{version.pk}:{counts_generation()}:{audience}:{get_language()}"
    found = cache.get(key)
    if found is None:
        counts = entry_counts(version, user, organisation_id)
        found = {lineage: _count_html(c) for lineage, c in counts.items()}
        cache.set(key, found, COUNTS_CACHE_SECONDS)
    return found


def entry_counts(version, user, organisation_id) -> dict[str, dict]:
    """Per paragraph lineage: the entries this user sees, and how many are ours."""
    ours = Q(organisation_id=organisation_id)
    # Grouped by paragraph, which needs no join, then summed by lineage here.
    rows = (
        Entry.objects.visible_to(user)
        .filter(version__consultation_id=version.consultation_id)
        .values("paragraph_id")
        .annotate(
            total=Count("pk"),
            ours=Count("pk", filter=ours),
            drafts=Count("pk", filter=ours & Q(status=Entry.Status.DRAFT)),
        )
        .order_by()
    )
    lineages = rendered_text(version)["lineages"]
    counts: dict[str, dict] = {}
    for row in rows:
        lineage = lineages.get(row.pop("paragraph_id"))
        if lineage is None:
            continue
        found = counts.setdefault(lineage, dict.fromkeys(row, 0))
        for key, value in row.items():
            found[key] += value
    return counts


def _count_html(counts: dict) -> str:
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


def _version_with_round(slug: str, label: str | None):
    """``get_version``, with its consultation and round in the same query."""
    versions = (
        Version.objects.published()
        .select_related("consultation", "round")
        .filter(consultation__slug=slug)
    )
    if label is not None:
        found = versions.filter(label=label).first()
    else:
        found = versions.exclude(status=Version.Status.SUPERSEDED).order_by("-order").first()
        found = found or versions.order_by("-order").first()
    return found or get_version(slug, label)  # the latter raises the 404


@require_GET
def reader(request: HttpRequest, slug: str, label: str | None = None) -> HttpResponse:
    version = _version_with_round(slug, label)
    membership = active_membership(request)
    organisation = membership.organisation if membership else None
    text = rendered_text(version)
    snippets = count_snippets(version, request.user, organisation.pk if organisation else None)
    sections = COUNT_SLOT.sub(lambda m: snippets.get(m.group(1), ""), text["sections"])
    round_ = getattr(version, "round", None)
    closes_at = round_.closes_at_for(organisation) if round_ else None
    now = timezone.now()
    context = {
        "consultation": version.consultation,
        "version": version,
        "versions": version.consultation.versions.published(),
        "toc_html": mark_safe(text["toc"]),  # noqa: S308 - rendered by our own template
        "sections_html": mark_safe(sections),  # noqa: S308 - idem, counts via format_html
        "round": round_,
        "closes_at": closes_at,
        "round_is_open": bool(round_ and round_.opens_at <= now < closes_at),
        "round_not_yet_open": bool(round_ and now < round_.opens_at),
        "membership": membership,
    }
    return render(request, "drafts/reader.html", context)


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure to reach the database means "not ready"
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
