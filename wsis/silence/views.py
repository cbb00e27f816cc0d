from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wsis.silence import services
from wsis.silence.access import (
    breaking_membership,
    facilitated_silence,
    facilitated_version,
    focal_membership_of,
    get_silenced_version,
)
from wsis.silence.forms import BreakForm, DeadlineForm, FrontPageForm
from wsis.silence.models import Break
from wsis.silence.outcome import outcome
from wsis.silence.zones import in_two_zones
from wsis.stakeholders.access import acts_as_facilitator

# What the facilitator is told once the reasons are published (True) or hidden again.
PUBLISHED = {
    True: gettext_lazy("Participants now see the reasons and proposals."),
    False: gettext_lazy("The reasons and proposals are for the facilitators again."),
}


def _page(request, version, silence, *, forms=None, status=200) -> HttpResponse:
    """The silence page of a version: what everyone may see of the procedure, and the forms
    of those who may act on it (``forms`` replaces a form refused with what was typed)."""
    consultation = version.consultation
    facilitates = acts_as_facilitator(request.user, consultation)
    running = silence is not None and silence.is_running()
    forms = forms or {}
    # The break form while silence runs, and a refused one after, so what was typed stays.
    shows_break = running or "break" in forms
    membership = focal_membership_of(request, version) if shows_break else None
    context = {
        "consultation": consultation,
        "version": version,
        "silence": silence,
        "running": running,
        "facilitates": facilitates,
        "membership": membership,
        # Participants learn the outcome once the deadline has passed; facilitators at once.
        "outcome": outcome(silence) if silence and (facilitates or not running) else None,
        "reasons_shown": silence is not None and (facilitates or silence.reasons_published),
    }
    if facilitates:
        context["deadline_form"] = forms.get("deadline") or DeadlineForm(
            consultation=consultation, extends=silence if running else None
        )
    if membership is not None:
        context["break_form"] = forms.get("break") or BreakForm(version=version)
        context["ours"] = Break.objects.filter(
            silence=silence, organisation=membership.organisation
        ).select_related("paragraph")
    return render(request, "silence/version.html", context, status=status)


@require_GET
def version(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    found, silence = get_silenced_version(request, slug, label)
    return _page(request, found, silence)


def _attempted(request, form, act, said) -> bool:
    """Run ``act()``: True, with ``said(its result)`` as the success message, if it was done;
    False, with the reason on ``form``, if the service refused it."""
    try:
        done = act()
    except services.Refused as refused:
        form.add_error(None, str(refused))
        return False
    messages.success(request, said(done))
    return True


def _deadline_change(request, slug, label, *, extending: bool) -> HttpResponse:
    """Start silence, or extend the running one, until the deadline typed; the page with the
    form (what was typed kept) and the reason when it is refused."""
    found, silence = (facilitated_silence if extending else facilitated_version)(
        request, slug, label
    )
    form = DeadlineForm(request.POST, consultation=found.consultation)
    if form.is_valid():
        deadline, who = form.cleaned_data["deadline"], {"user": request.user, "request": request}

        def act():
            if extending:
                return services.extend(silence, deadline=deadline, **who)
            return services.start(found, deadline=deadline, **who)

        def said(done):
            return _("Under silence until %(deadline)s.") % {
                "deadline": in_two_zones(done.deadline, found.consultation)
            }

        if _attempted(request, form, act, said):
            return redirect("silence:version", slug, label)
    return _page(request, found, silence, forms={"deadline": form}, status=400)


@require_POST
@login_required
def start(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    return _deadline_change(request, slug, label, extending=False)


@require_POST
@login_required
def extend(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    return _deadline_change(request, slug, label, extending=True)


@require_POST
@login_required
def end(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    _found, silence = facilitated_silence(request, slug, label)
    try:
        services.end_early(silence, user=request.user, request=request)
    except services.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Silence was ended now; breaks made until now stand."))
    return redirect("silence:version", slug, label)


@require_POST
@login_required
def publish(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    _found, silence = facilitated_silence(request, slug, label)
    published = request.POST.get("published") == "1"
    services.publish_reasons(silence, published=published, user=request.user, request=request)
    messages.success(request, PUBLISHED[published])
    return redirect("silence:version", slug, label)


@require_POST
@login_required
def break_silence(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    found, silence = get_silenced_version(request, slug, label)
    membership = breaking_membership(request, found)
    form = BreakForm(request.POST, version=found)
    if form.is_valid():
        if silence is None:
            form.add_error(None, _("This version is not under silence: there is nothing to break."))
        elif _attempted(
            request,
            form,
            lambda: services.break_silence(
                silence, membership=membership, request=request, **form.cleaned_data
            ),
            lambda broken: (
                _("%(organisation)s broke silence on %(label)s.")
                % {
                    "organisation": membership.organisation.name,
                    "label": broken.paragraph.display_label,
                }
            ),
        ):
            return redirect("silence:version", slug, label)
    messages.error(request, _("Silence was not broken: see below."))
    # The page shows the form only while silence runs: a refused break keeps it there.
    return _page(request, found, silence, forms={"break": form}, status=400)


@require_GET
@login_required
def matrix(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    found, silence = facilitated_silence(request, slug, label)
    context = {
        "consultation": found.consultation,
        "version": found,
        "silence": silence,
        "running": silence.is_running(),
        "outcome": outcome(silence),
        "paragraphs": found.paragraphs.count(),
    }
    return render(request, "silence/matrix.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def front_page(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    found, _silence = facilitated_version(request, slug, label)
    form = FrontPageForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        changed = services.set_front_page(
            found, data=form.cleaned_data, user=request.user, request=request
        )
        if changed:
            messages.success(
                request, _("The front page of %(label)s was saved.") % {"label": label}
            )
        else:
            messages.info(request, _("No changes to save."))
        return redirect("drafts:version", slug, label)
    context = {"consultation": found.consultation, "version": found, "form": form}
    return render(request, "silence/front_page.html", context, status=400 if form.is_bound else 200)
