from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from wsis.comments.models import Entry
from wsis.drafts.access import get_consultation
from wsis.moderation.access import chosen_version
from wsis.search.forms import FILTERS, SearchForm
from wsis.search.query import Results, Search, visible_entries
from wsis.stakeholders.models import Organisation, StakeholderGroup

# Results on a page, paragraphs and entries together: a screenful on a phone, light to send.
PAGE_SIZE = 20


@require_GET
def search(request: HttpRequest, slug: str) -> HttpResponse:
    """Paragraphs of a version and the entries on it that the reader may see, for the words
    in ``q``, narrowed by the filters; anonymous readers find published text and entries."""
    consultation = get_consultation(slug)
    current = consultation.current_version()
    if current is None and not request.GET.get("version"):
        raise Http404("This consultation has no draft yet.")
    version, versions = chosen_version(request, consultation)
    version.consultation = consultation
    visible = visible_entries(request).filter(version=version)
    form = SearchForm(
        request.GET or None,
        version=version,
        versions=versions,
        sections=version.sections.order_by("order"),
        organisations=Organisation.objects.filter(
            pk__in=visible.values("organisation_id")
        ).order_by("name"),
        groups=StakeholderGroup.objects.all(),
    )
    is_current = version.pk == getattr(current, "pk", None)
    narrowed = sum(bool(request.GET.get(name)) for name in FILTERS) + (not is_current)
    context = {
        "consultation": consultation,
        "version": version,
        "form": form,
        "reader": reverse("drafts:reader", args=[slug])
        if is_current
        else version.get_absolute_url(),
        "narrowed": narrowed,
        "show_filters": narrowed or any(name in form.errors for name in FILTERS),
    }
    words = form.cleaned_data["q"] if form.is_valid() else ""
    if words:
        found = Search(version, words, form.filters())
        results = Results(found, found.paragraphs(), found.entries(visible))
        page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
        context |= {
            "words": words,
            "page": page,
            "results": results,
            "paragraphs": [row for row in page if not isinstance(row, Entry)],
            "entries": [row for row in page if isinstance(row, Entry)],
        }
    return render(request, "search/search.html", context)
