from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wsis.drafts.access import get_version
from wsis.drafts.models import Consultation


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    consultations = list(Consultation.objects.all())
    if len(consultations) == 1:
        return redirect(consultations[0])
    return render(request, "drafts/home.html", {"consultations": consultations})


@require_GET
def reader(request: HttpRequest, slug: str, label: str | None = None) -> HttpResponse:
    version = get_version(slug, label)
    paragraphs = list(version.paragraphs.in_document_order())
    sections = []
    for paragraph in paragraphs:
        if not sections or sections[-1]["section"].pk != paragraph.section_id:
            sections.append({"section": paragraph.section, "paragraphs": []})
        sections[-1]["paragraphs"].append(paragraph)
    context = {
        "consultation": version.consultation,
        "version": version,
        "versions": version.consultation.versions.all(),
        "sections": sections,
        "round": getattr(version, "round", None),
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
