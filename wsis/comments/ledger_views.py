"""The ledger page of an organisation (``wsis.comments.ledger``)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from wsis.comments.ledger import attach_survivals, get_ledger_organisation, ledger
from wsis.comments.models import Entry, attach_diffs
from wsis.drafts.models import Consultation


@require_GET
@login_required
def ledger_page(request: HttpRequest, slug: str, acronym: str) -> HttpResponse:
    consultation = get_object_or_404(Consultation, slug=slug)
    organisation, as_facilitator = get_ledger_organisation(request, consultation, acronym)
    # Members do not see what a facilitator hid of theirs; facilitators see every submission.
    entries = Entry.objects.all() if as_facilitator else Entry.objects.visible_to(request.user)
    lines = ledger(consultation, organisation, entries)
    attach_diffs([line.entry for line in lines])
    attach_survivals(lines)
    context = {
        "consultation": consultation,
        "organisation": organisation,
        "lines": lines,
        "taken_in": sum(line.now_in is not None for line in lines),
    }
    return render(request, "comments/ledger.html", context)
