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

from wsis.comments.models import Entry
from wsis.drafts.access import get_version
from wsis.drafts.models import CommentRound, Consultation
from wsis.stakeholders.access import active_membership

# Where each paragraph's entry counts go in the cached text: <!--entries:LINEAGE-->.
COUNT_SLOT = re.compile(r"<!--entries:([0-9a-f-]{36})-->")
READER_CACHE_SECONDS = 24 * 3600


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
        }
        cache.set(key, found, READER_CACHE_SECONDS)
    return found


def entry_counts(version, user, organisation_id) -> dict[str, dict]:
    """Per paragraph lineage: the entries this user sees, and how many are ours."""
    ours = Q(organisation_id=organisation_id)
    rows = (
        Entry.objects.visible_to(user)
        .filter(paragraph__version__consultation_id=version.consultation_id)
        .values("paragraph__lineage")
        .annotate(
            total=Count("pk"),
            ours=Count("pk", filter=ours),
            drafts=Count("pk", filter=ours & Q(status=Entry.Status.DRAFT)),
        )
        .order_by()
    )
    return {str(row.pop("paragraph__lineage")): row for row in rows}


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


@require_GET
def reader(request: HttpRequest, slug: str, label: str | None = None) -> HttpResponse:
    version = get_version(slug, label)
    membership = active_membership(request)
    organisation = membership.organisation if membership else None
    text = rendered_text(version)
    counts = entry_counts(version, request.user, organisation.pk if organisation else None)
    snippets = {lineage: _count_html(c) for lineage, c in counts.items()}
    sections = COUNT_SLOT.sub(lambda m: snippets.get(m.group(1), ""), text["sections"])
    round_ = CommentRound.objects.filter(version_id=version.pk).first()
    closes_at = round_.closes_at_for(organisation) if round_ else None
    now = timezone.now()
    context = {
        "consultation": version.consultation,
        "version": version,
        "versions": version.consultation.versions.all(),
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
