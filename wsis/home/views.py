from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from wsis.drafts.models import Consultation
from wsis.home.needs import home_of, places
from wsis.stakeholders.access import active_membership, facilitated_consultations


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """``/``: the consultations for a visitor; for someone signed in, what waits for them in
    each consultation where they have a role (a page, never a redirect: scripts expect ``/``)."""
    if not request.user.is_authenticated:
        return render(request, "home/home.html", {"others": places(Consultation.objects.all())})
    found = home_of(request.user, active_membership(request), facilitated_consultations(request))
    return render(request, "home/home.html", {"places": found.places, "others": found.others})
