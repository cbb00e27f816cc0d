"""Read-only JSON API: consultations, versions and paragraphs, as published drafts."""

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from wsis.drafts.access import get_consultation, get_paragraph, get_version
from wsis.drafts.export import version_as_dict
from wsis.drafts.models import Consultation


def _version_summary(request, version) -> dict:
    return {
        "label": version.label,
        "title": version.title,
        "status": version.status,
        "url": request.build_absolute_uri(
            reverse("api:version", args=[version.consultation.slug, version.label])
        ),
    }


@require_GET
def consultations(request: HttpRequest) -> JsonResponse:
    items = [
        {
            "slug": c.slug,
            "title": c.title,
            "url": request.build_absolute_uri(reverse("api:consultation", args=[c.slug])),
        }
        for c in Consultation.objects.all()
    ]
    return JsonResponse({"consultations": items})


@require_GET
def consultation(request: HttpRequest, slug: str) -> JsonResponse:
    found = get_consultation(slug)
    versions = found.versions.visible_to(request.user).select_related("consultation")
    return JsonResponse(
        {
            "slug": found.slug,
            "title": found.title,
            "time_zone": found.time_zone,
            "versions": [_version_summary(request, v) for v in versions],
        }
    )


@require_GET
def version(request: HttpRequest, slug: str, label: str) -> JsonResponse:
    found = get_version(slug, label, user=request.user)
    data = version_as_dict(found)
    data["status"] = found.status
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_GET
def paragraph(request: HttpRequest, slug: str, label: str, paragraph: str) -> JsonResponse:
    found = get_paragraph(get_version(slug, label, user=request.user), paragraph)
    return JsonResponse(
        {
            "consultation": slug,
            "version": label,
            "section": found.section.heading,
            "label": found.label,
            "display_label": found.display_label,
            "kind": found.kind,
            "text": found.text,
        },
        json_dumps_params={"ensure_ascii": False},
    )
