"""The rolling text of a version (``wsis.comments.rolling``), on screen and as plain text."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from wsis.comments.rolling import as_plain_text
from wsis.drafts.access import get_version
from wsis.negotiation.convergence import negotiating_text
from wsis.negotiation.views import convergence_context
from wsis.stakeholders.access import require_facilitator


@require_GET
def rolling(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    """Everyone reads the published proposals inline; a facilitator may add those pending
    moderation (``?with_pending=1``), through the facilitator gate."""
    version = get_version(slug, label, user=request.user)
    with_pending = request.GET.get("with_pending") == "1"
    if with_pending:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        require_facilitator(request, version.consultation)
    sections, found = negotiating_text(version, with_pending=with_pending)
    if request.GET.get("format") == "text":
        response = HttpResponse(
            as_plain_text(version, sections), content_type="text/plain; charset=utf-8"
        )
        response["Content-Disposition"] = f'inline; filename="{slug}-rolling-text.txt"'
        return response
    context = {
        "consultation": version.consultation,
        "version": version,
        "sections": sections,
        "with_pending": with_pending,
        **convergence_context(version, sections, found),
        "brackets": sum(
            piece.kind != "text"
            for section in sections
            for block in section.blocks
            for piece in block.pieces
        ),
    }
    return render(request, "comments/rolling.html", context)
