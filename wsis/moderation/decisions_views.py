"""The upload of decisions in bulk (``decisions_import``) from the moderation dashboard."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from wsis.moderation.access import facilitator_view
from wsis.moderation.decisions_import import DecisionsFileError, import_decisions
from wsis.moderation.forms import DecisionsImportForm


@require_POST
@facilitator_view
def import_decisions_view(request: HttpRequest, consultation) -> HttpResponse:
    form = DecisionsImportForm(request.POST, request.FILES, consultation=consultation)
    problems = []
    if form.is_valid():
        version = form.cleaned_data["version"]
        try:
            result = import_decisions(version, form.cleaned_data["file"].read(), request=request)
        except DecisionsFileError as error:
            problems = error.messages
        else:
            messages.success(request, f"{version.label}: {result.summary()}")
            return HttpResponseRedirect(reverse("moderation:dashboard", args=[consultation.slug]))
    context = {
        "consultation": consultation,
        "tab": "queue",
        "form": form,
        "problems": problems,
        "version": form.cleaned_data.get("version"),
    }
    return render(request, "moderation/decisions_import.html", context, status=400)
