from base64 import b32encode
from collections import defaultdict
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import CharField, Count, Prefetch, Q, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from wsis.audit.models import AuditEvent, target_of
from wsis.comments.history import entry_history
from wsis.comments.models import Entry, Support, attach_diffs
from wsis.drafts.access import get_paragraph
from wsis.drafts.diff import diff_html
from wsis.drafts.models import CommentRound
from wsis.moderation import second_factor, services
from wsis.moderation.access import (
    chosen_version,
    current_version,
    facilitator_view,
    get_entry,
)
from wsis.moderation.forms import (
    BulkForm,
    DecideForm,
    DuplicateForm,
    ExtensionForm,
    ModerateForm,
    RoundForm,
    SettingsForm,
    TokenForm,
)
from wsis.moderation.placement import Placement
from wsis.moderation.queue import ALL, PARAMS, Queue
from wsis.negotiation.convergence import negotiating_text
from wsis.negotiation.models import ParagraphStatus, statuses
from wsis.negotiation.views import convergence_context, status_context
from wsis.stakeholders.access import require_facilitator
from wsis.stakeholders.models import Organisation, StakeholderGroup

PAGE_SIZE = 50
HEAT_BUCKETS = (0, 1, 3, 6, 11, 21)  # 0, 1-2, 3-5, 6-10, 11-20, 21+ proposals


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    consultation = request.user.facilitated_consultations.first()
    if consultation is None:
        raise PermissionDenied
    return redirect("moderation:dashboard", require_facilitator(request, consultation).slug)


def _next_url(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default


def _outcome_message(request, outcome: services.Outcome, verb: str) -> None:
    if outcome.changed:
        messages.success(
            request,
            ngettext("%(n)d entry %(verb)s.", "%(n)d entries %(verb)s.", len(outcome.changed))
            % {"n": len(outcome.changed), "verb": verb},
        )
    if outcome.skipped:
        details = "; ".join(f"#{entry.pk}: {why}" for entry, why in outcome.skipped)
        messages.warning(
            request,
            _("%(n)d skipped (%(details)s).") % {"n": len(outcome.skipped), "details": details},
        )


VERBS = {
    "publish": gettext_lazy("published"),
    "reject": gettext_lazy("rejected"),
    "hide": gettext_lazy("hidden"),
    "decide": gettext_lazy("decided"),
}


def _switcher(request, version, versions) -> dict:
    """What the version switcher shows, and the query that keeps the version chosen in links
    (empty for the default, the current version)."""
    return {
        "version": version,
        "versions": versions,
        "at_version": urlencode({"version": version.label}) if request.GET.get("version") else "",
    }


# The queue ----------------------------------------------------------------------------------


def _dashboard_context(request, consultation, bulk_form=None):
    version, versions = chosen_version(request, consultation)
    placement = Placement(version)
    queue = Queue(placement, request.GET)
    page = Paginator(queue.entries(), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = placement.place(page.object_list)
    attach_diffs(page.object_list)
    facets = queue.facets()
    # The filters in force in words, for their folded summary on a phone.
    active = [
        next((o["name"] for o in facet["options"] if o["selected"]), facet["selected"])
        for facet in facets
        if facet["selected"]
    ]
    if queue.q:
        active.append(f"“{queue.q}”")
    kept = request.GET.copy()
    kept.pop("page", None)
    selected = set()
    if bulk_form is not None:
        selected = {str(pk) for pk in bulk_form.data.getlist("entries")}
    return {
        "consultation": consultation,
        "tab": "queue",
        **_switcher(request, version, versions),
        "queue": queue,
        "page": page,
        "facets": facets,
        "active_filters": active,
        "tabs": facets[0],
        "tabs_total": sum(option["n"] for option in facets[0]["options"]),
        "query_without_page": kept.urlencode(),
        "params": {name: request.GET.get(name, "") for name in [*PARAMS, "version"]}
        | {"moderation": queue.selected.get("moderation", ALL)},
        "bulk_form": bulk_form or BulkForm(entries=Entry.objects.none()),
        "selected": selected,
    }


@require_GET
@facilitator_view
def dashboard(request: HttpRequest, consultation) -> HttpResponse:
    return render(request, "moderation/dashboard.html", _dashboard_context(request, consultation))


@require_POST
@facilitator_view
def bulk(request: HttpRequest, consultation) -> HttpResponse:
    back = _next_url(request, reverse("moderation:dashboard", args=[consultation.slug]))
    # The queue's own address says which version its ticks were made on.
    request.GET = QueryDict(back.split("?", 1)[1] if "?" in back else "")
    version, _versions = chosen_version(request, consultation)
    form = BulkForm(request.POST, entries=Placement(version).entries())
    if not form.is_valid():
        # Re-render the queue as it was, ticks and typed text kept, with the errors.
        context = _dashboard_context(request, consultation, bulk_form=form)
        context["back"] = back  # not this page's address: GET is refused here
        return render(request, "moderation/dashboard.html", context, status=400)
    data = form.cleaned_data
    entries = list(data["entries"])
    if data["action"] == "decide":
        outcome = services.decide(
            entries, data["decision"], rationale=data["rationale"], request=request
        )
    else:
        outcome = services.moderate(entries, data["action"], reason=data["reason"], request=request)
    _outcome_message(request, outcome, VERBS[data["action"]])
    return HttpResponseRedirect(back)


# One entry ----------------------------------------------------------------------------------


def _card(entry, forms=None):
    """What an entry card shows: the entry, its diff, supporters and the three forms."""
    forms = forms or {}
    supporters = [s.organisation for s in getattr(entry, "prefetched_supports", [])]
    pair = entry.diff_pair()
    return {
        "entry": entry,
        "diff": diff_html(*pair) if pair else None,
        "supporters": supporters,
        "moderate_form": forms.get("moderate")
        or ModerateForm(initial={"reason": entry.moderation_reason}),
        "decide_form": forms.get("decide")
        or DecideForm(initial={"decision": entry.decision, "rationale": entry.decision_rationale}),
        "duplicate_form": forms.get("duplicate")
        or DuplicateForm(entry=entry, initial={"duplicate_of": entry.duplicate_of_id}),
    }


def _with_supports(queryset):
    return queryset.prefetch_related(
        Prefetch(
            "supports",
            queryset=Support.objects.select_related("organisation__group").order_by(
                "organisation__name"
            ),
            to_attr="prefetched_supports",
        )
    )


def _entry_with_supports(consultation, pk):
    entry = get_entry(consultation, pk)
    entry.prefetched_supports = list(
        entry.supports.select_related("organisation__group").order_by("organisation__name")
    )
    return entry


@require_GET
@facilitator_view
def entry_detail(request: HttpRequest, consultation, pk: int) -> HttpResponse:
    entry = _entry_with_supports(consultation, pk)
    return _render_entry(request, consultation, entry)


def _render_entry(request, consultation, entry, forms=None, status=200, notice=""):
    history = (
        AuditEvent.objects.filter(target=target_of(entry))
        .select_related("actor", "organisation")
        .order_by("created", "pk")
    )
    context = {
        "consultation": consultation,
        "tab": "queue",
        **_card(entry, forms=forms),
        "notice": notice,
        "history": history,
        "story": entry_history(entry, facilitates=True),
        "next": _next_url(request, reverse("moderation:entry", args=[consultation.slug, entry.pk])),
    }
    template = "moderation/entry.html#card" if request.htmx else "moderation/entry.html"
    return render(request, template, context, status=status)


def _entry_action(request, consultation, pk, form_name, form, apply):
    entry = _entry_with_supports(consultation, pk)
    if isinstance(form, type):
        form = form(request.POST, entry=entry) if form is DuplicateForm else form(request.POST)
    if not form.is_valid():
        return _render_entry(request, consultation, entry, forms={form_name: form}, status=400)
    try:
        outcome = apply(entry, form.cleaned_data)
    except ValueError as error:
        form.add_error(None, str(error))
        return _render_entry(request, consultation, entry, forms={form_name: form}, status=400)
    if not request.htmx:
        _outcome_message(request, outcome, _("updated"))
        return HttpResponseRedirect(
            _next_url(request, reverse("moderation:entry", args=[consultation.slug, entry.pk]))
        )
    if request.POST.get("row"):
        return _render_row(request, consultation, pk)
    entry = _entry_with_supports(consultation, pk)
    notice = _("Saved.") if outcome.changed else "; ".join(why for _e, why in outcome.skipped)
    return _render_entry(request, consultation, entry, notice=notice)


def _render_row(request, consultation, pk):
    """The queue's row for one entry, as the queue shows it: what "Publish and next" swaps in."""
    version, _versions = chosen_version(request, consultation)
    placement = Placement(version)
    entries = placement.place(Queue(placement, {"moderation": ALL}).entries().filter(pk=pk))
    attach_diffs(entries)
    context = {
        "consultation": consultation,
        "entry": entries[0],
        "selected": set(),
        "back": _next_url(request, reverse("moderation:dashboard", args=[consultation.slug])),
    }
    return render(request, "moderation/dashboard.html#row", context)


@require_POST
@facilitator_view
def moderate(request: HttpRequest, consultation, pk: int) -> HttpResponse:
    return _entry_action(
        request,
        consultation,
        pk,
        "moderate",
        ModerateForm,
        lambda entry, data: services.moderate(
            [entry], data["action"], reason=data["reason"], request=request
        ),
    )


@require_POST
@facilitator_view
def decide(request: HttpRequest, consultation, pk: int) -> HttpResponse:
    return _entry_action(
        request,
        consultation,
        pk,
        "decide",
        DecideForm,
        lambda entry, data: services.decide(
            [entry], data["decision"], rationale=data["rationale"], request=request
        ),
    )


@require_POST
@facilitator_view
def duplicate(request: HttpRequest, consultation, pk: int) -> HttpResponse:
    return _entry_action(
        request,
        consultation,
        pk,
        "duplicate",
        DuplicateForm,
        lambda entry, data: services.mark_duplicate(entry, data["duplicate_of"], request=request),
    )


# One paragraph ------------------------------------------------------------------------------


@require_GET
@facilitator_view
def paragraph(request: HttpRequest, consultation, label: str) -> HttpResponse:
    version, versions = chosen_version(request, consultation)
    paragraph = get_paragraph(version, label)
    placement = Placement(version)
    entries = _with_supports(
        placement.entries()
        .filter(paragraph_id__in=placement.sources_of([paragraph]))
        .select_related("organisation__group", "paragraph__version", "duplicate_of")
        .order_by("organisation__group__order", "organisation__name", "pk")
    )
    neighbours = list(
        version.paragraphs.filter(order__in=[paragraph.order - 1, paragraph.order + 1])
    )
    context = {
        "consultation": consultation,
        **_switcher(request, version, versions),
        "tab": "overview",
        "paragraph": paragraph,
        "cards": [_card(entry) for entry in placement.place(entries)],
        "previous": next((p for p in neighbours if p.order < paragraph.order), None),
        "following": next((p for p in neighbours if p.order > paragraph.order), None),
        "next": request.get_full_path(),
        **status_context(paragraph),
    }
    return render(request, "moderation/paragraph.html", context)


# The overview -------------------------------------------------------------------------------


def _bucket(n: int) -> int:
    return sum(1 for floor in HEAT_BUCKETS[1:] if n >= floor)


@require_GET
@facilitator_view
def overview(request: HttpRequest, consultation) -> HttpResponse:
    version, versions = chosen_version(request, consultation)
    placement = Placement(version)
    groups = list(StakeholderGroup.objects.all())
    counts = defaultdict(lambda: {"n": 0, "decided": 0, "groups": set()})
    rows = (
        placement.entries()
        .exclude(kind=Entry.Kind.COMMENT)
        .order_by()
        .values("paragraph_id", "organisation__group_id")
        .annotate(n=Count("pk"), decided=Count("pk", filter=~Q(decision=Entry.Decision.OPEN)))
    )
    # Counted per paragraph made on, then added up where those paragraphs now sit.
    for row in rows:
        for target in placement.targets_of(row["paragraph_id"]):
            cell = counts[target.pk]
            cell["n"] += row["n"]
            cell["decided"] += row["decided"]
            cell["groups"].add(row["organisation__group_id"])
    comments = defaultdict(int)
    for paragraph_id, n in (
        placement.entries()
        .filter(kind=Entry.Kind.COMMENT)
        .order_by()
        .values_list("paragraph_id")
        .annotate(n=Count("pk"))
    ):
        for target in placement.targets_of(paragraph_id):
            comments[target.pk] += n
    found = statuses(version)
    sections = []
    for paragraph in placement.paragraphs.values():
        if not sections or sections[-1]["section"].pk != paragraph.section_id:
            sections.append({"section": paragraph.section, "cells": []})
        cell = counts[paragraph.pk]
        sections[-1]["cells"].append(
            {
                "paragraph": paragraph,
                "n": cell["n"],
                "decided": cell["decided"],
                "comments": comments.get(paragraph.pk, 0),
                "heat": _bucket(cell["n"]),
                "all_decided": cell["n"] and cell["decided"] == cell["n"],
                "groups": [g for g in groups if g.pk in cell["groups"]],
                "status": found.get(paragraph.pk),
            }
        )
    organisations = Organisation.objects.select_related("group").annotate(
        submitted=Count("entries", filter=placement.submitted("entries__")),
        drafts=Count(
            "entries", filter=Q(entries__version=version, entries__status=Entry.Status.DRAFT)
        ),
    )
    by_group = {group.pk: {"group": group, "submitted": [], "waiting": []} for group in groups}
    for organisation in organisations.order_by("group__order", "name"):
        key = "submitted" if organisation.submitted else "waiting"
        by_group[organisation.group_id][key].append(organisation)
    context = {
        "consultation": consultation,
        "tab": "overview",
        **_switcher(request, version, versions),
        "sections": sections,
        "groups": groups,
        "buckets": [
            {"heat": i, "floor": floor, "ceiling": (HEAT_BUCKETS + (None,))[i + 1]}
            for i, floor in enumerate(HEAT_BUCKETS)
        ],
        "by_group": [b for b in by_group.values() if b["submitted"] or b["waiting"]],
        "stages": ParagraphStatus.Stage,
        **convergence_context(version, *negotiating_text(version)),
    }
    return render(request, "moderation/overview.html", context)


# The comment round and settings -------------------------------------------------------------


def _round_context(consultation, version, round_form=None, extension_form=None, settings_form=None):
    comment_round = CommentRound.objects.filter(version=version).first()
    entry_targets = (
        Entry.objects.filter(version=version)
        .annotate(t=Concat(Value("comments.entry:"), Cast("pk", output_field=CharField())))
        .values("t")
    )
    late = (
        AuditEvent.objects.filter(action="entry.refused_late")
        .filter(
            Q(target__in=entry_targets)
            | Q(target=target_of(version))
            | Q(target__in=[target_of(p) for p in version.paragraphs.only("pk")])
        )
        .select_related("actor", "organisation")
        .order_by("-created")[:200]
    )
    extensions = []
    if comment_round is not None:
        extensions = comment_round.extensions.select_related("organisation__group").order_by(
            "closes_at"
        )
    return {
        "consultation": consultation,
        "tab": "round",
        "version": version,
        "round": comment_round,
        "is_open": comment_round is not None and comment_round.is_open_for(None),
        "round_form": round_form or RoundForm(instance=comment_round),
        "extension_form": extension_form
        or (ExtensionForm(round=comment_round) if comment_round else None),
        "extensions": extensions,
        "settings_form": settings_form or SettingsForm(instance=consultation),
        "late": late,
    }


@require_GET
@facilitator_view
def round_page(request: HttpRequest, consultation) -> HttpResponse:
    version = current_version(consultation)
    with timezone.override(consultation.tz):
        return render(request, "moderation/round.html", _round_context(consultation, version))


@require_POST
@facilitator_view
def round_update(request: HttpRequest, consultation) -> HttpResponse:
    """Set the round's times, or open or close it now (the buttons send ``now``)."""
    version = current_version(consultation)
    with timezone.override(consultation.tz):
        comment_round = CommentRound.objects.filter(version=version).first()
        data = request.POST.copy()
        now = timezone.localtime().strftime("%Y-%m-%dT%H:%M:%S")
        if data.get("now") == "open":
            data["opens_at"] = now
            if comment_round is None or comment_round.closes_at <= timezone.now():
                messages.info(request, _("Set the closing time as well."))
                data.setdefault("closes_at", "")
        elif data.get("now") == "close":
            data["closes_at"] = now
            if comment_round is not None:
                data["opens_at"] = timezone.localtime(
                    min(comment_round.opens_at, timezone.now() - timedelta(seconds=1))
                ).strftime("%Y-%m-%dT%H:%M:%S")
        form = RoundForm(data, instance=comment_round)
        if not form.is_valid():
            context = _round_context(consultation, version, round_form=form)
            return render(request, "moderation/round.html", context, status=400)
        services.set_round(
            version,
            opens_at=form.cleaned_data["opens_at"],
            closes_at=form.cleaned_data["closes_at"],
            request=request,
        )
    messages.success(request, _("The comment round is saved."))
    return redirect("moderation:round", consultation.slug)


@require_POST
@facilitator_view
def extend(request: HttpRequest, consultation) -> HttpResponse:
    version = current_version(consultation)
    comment_round = CommentRound.objects.filter(version=version).first()
    if comment_round is None:
        messages.error(request, _("Set up the comment round first."))
        return redirect("moderation:round", consultation.slug)
    with timezone.override(consultation.tz):
        form = ExtensionForm(request.POST, round=comment_round)
        if not form.is_valid():
            context = _round_context(consultation, version, extension_form=form)
            return render(request, "moderation/round.html", context, status=400)
    extension = services.extend_deadline(
        comment_round,
        form.cleaned_data["organisation"],
        closes_at=form.cleaned_data["closes_at"],
        request=request,
    )
    messages.success(
        request,
        _("%(org)s may submit until the new deadline.") % {"org": extension.organisation.name},
    )
    return redirect("moderation:round", consultation.slug)


@require_POST
@facilitator_view
def settings_update(request: HttpRequest, consultation) -> HttpResponse:
    form = SettingsForm(request.POST, instance=consultation)
    if not form.is_valid():  # a checkbox cannot really be invalid, but say so if it is
        messages.error(request, _("The setting could not be saved."))
        return redirect("moderation:round", consultation.slug)
    services.change_settings(
        consultation,
        publish_immediately=form.cleaned_data["publish_immediately"],
        request=request,
    )
    if consultation.publish_immediately:
        messages.success(request, _("Submissions are now published at once."))
    else:
        messages.success(request, _("Submissions are now held for review."))
    return redirect("moderation:round", consultation.slug)


# Second factor ------------------------------------------------------------------------------


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return default
    return target


def _code_of(form) -> str:
    return form.cleaned_data["token"].strip().replace(" ", "")


def _wrong_code(form, device) -> None:
    allowed, _why = device.verify_is_allowed()
    if not allowed:
        form.add_error("token", _("Too many wrong codes: wait a few seconds, then try again."))
    else:
        form.add_error("token", _("That code is wrong or has expired. Try the current one."))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Confirm a one-time code from the enrolled authenticator app. Without one, the page says
    how to get an enrolment link: a password alone enrols nothing (``second_factor``)."""
    if not request.user.facilitated_consultations.exists():
        raise PermissionDenied
    target = _safe_next(request, reverse("moderation:home"))
    device = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).first()
    form = TokenForm(request.POST or None)
    if device is not None and request.method == "POST" and form.is_valid():
        if second_factor.verify(request, device, _code_of(form)):
            return HttpResponseRedirect(target)
        _wrong_code(form, device)
    context = {"form": form, "enrolled": device is not None, "next": target}
    if device is None:
        status = 400 if request.method == "POST" else 200
    else:
        status = 400 if form.errors else 200
    return render(request, "moderation/two_factor.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, token: str) -> HttpResponse:
    """Enrol an authenticator app through a link issued to the signed-in account."""
    link = second_factor.link_for(request, token)
    if not link.is_open:
        return render(request, "moderation/enrolment_spent.html", status=410)
    device = second_factor.device_of(link)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.enrol(request, link, _code_of(form)):
            messages.success(request, _("Your authenticator app is set up."))
            return redirect("moderation:home")
        link.refresh_from_db()
        if not link.is_open:
            return render(request, "moderation/enrolment_spent.html", status=410)
        _wrong_code(form, device)
    context = {
        "form": form,
        "secret": b32encode(device.bin_key).decode(),
        "config_url": device.config_url,
    }
    return render(request, "moderation/enrol.html", context, status=400 if form.errors else 200)


@require_POST
@facilitator_view
def enrolment_link(request: HttpRequest, consultation, user_pk: int) -> HttpResponse:
    """Issue a co-facilitator an enrolment link, shown once here to hand over in person or on
    another channel than their mail (which may be what was stolen with the password)."""
    person = get_object_or_404(consultation.facilitators, pk=user_pk)
    token = second_factor.issue_link(person, by=request.user, request=request)
    url = request.build_absolute_uri(reverse("moderation:enrol", args=[token]))
    context = {"consultation": consultation, "person": person, "url": url}
    return render(request, "moderation/enrolment_link.html", context)
