"""Readings: the list of a version's readings, the room (with the pen for facilitators), its
live stream and its log."""

from itertools import groupby

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from wsis.drafts.access import get_version
from wsis.drafts.diff import diff_html
from wsis.negotiation.forms import status_initial
from wsis.negotiation.models import ParagraphStatus
from wsis.room import live, services
from wsis.room.access import get_readable_version, get_reading, get_reading_for_pen
from wsis.room.forms import FloorForm, MoveForm, StatusPenForm, WordingForm
from wsis.room.models import LogEntry, Reading
from wsis.room.screen import render_screen, screen_context
from wsis.stakeholders.access import acts_as_facilitator, require_facilitator

# How often the plain page (no JavaScript, or a slow link) reloads itself, in seconds.
PLAIN_REFRESH = 10


@require_GET
@login_required
def readings(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    version = get_readable_version(request, slug, label)
    context = {
        "consultation": version.consultation,
        "version": version,
        "readings": version.readings.order_by("number"),
        "holds_pen": acts_as_facilitator(request.user, version.consultation),
    }
    return render(request, "room/readings.html", context)


@require_POST
@login_required
def open_reading(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    version = get_version(slug, label, user=request.user)
    require_facilitator(request, version.consultation)
    try:
        reading = services.open_reading(version, request=request)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("room:readings", slug, label)
    return redirect("room:room", slug, label, reading.number)


def _pen(reading: Reading, forms: dict | None = None) -> dict:
    """The facilitator's controls for the paragraph under the pen."""
    forms = forms or {}
    paragraph = reading.paragraph
    wording = reading.wordings.filter(paragraph=paragraph).first()
    text = wording.text if wording else paragraph.text
    order = list(reading.version.paragraphs.in_document_order().values_list("pk", flat=True))
    at = order.index(paragraph.pk)
    initial = {"paragraph": paragraph.pk}
    row = (
        ParagraphStatus.objects.filter(paragraph=paragraph).prefetch_related("waiting_for").first()
    )
    return {
        "previous_pk": order[at - 1] if at > 0 else None,
        "next_pk": order[at + 1] if at + 1 < len(order) else None,
        "move_form": forms.get("move")
        or MoveForm(reading=reading, initial=initial | {"span": reading.span}),
        "wording_form": forms.get("wording")
        or WordingForm(reading=reading, initial=initial | {"text": text, "previous": text}),
        "floor_form": forms.get("floor") or FloorForm(reading=reading, initial=initial),
        "status_form": forms.get("status")
        or StatusPenForm(reading=reading, initial=initial | status_initial(row)),
    }


def _render_room(request, reading: Reading, *, forms=None, status=200) -> HttpResponse:
    mode = request.GET.get("view", "")
    holds_pen = (
        reading.is_open
        and mode != "projection"
        and acts_as_facilitator(request.user, reading.version.consultation)
    )
    context = {
        **screen_context(reading),
        "consultation": reading.version.consultation,
        "version": reading.version,
        "mode": mode,
        "holds_pen": holds_pen,
        "refresh": PLAIN_REFRESH,
        **(_pen(reading, forms) if holds_pen else {}),
    }
    template = "room/room.html#pen" if request.htmx and holds_pen else "room/room.html"
    return render(request, template, context, status=status)


@require_GET
@login_required
def room(request: HttpRequest, slug: str, label: str, number: int) -> HttpResponse:
    """The room: ``?view=projection`` for the screen on the wall, ``?view=plain`` for a page
    that reloads itself instead of following the stream (a slow link, no JavaScript)."""
    return _render_room(request, get_reading(request, slug, label, number))


def _current_screen(reading_id: int) -> tuple[int, str]:
    reading = Reading.objects.select_related("version__consultation", "paragraph").get(
        pk=reading_id
    )
    screen = (reading.revision, render_screen(reading))
    _done_with_database()
    return screen


def _done_with_database() -> None:
    """A stream holds no database connection while it waits: a thousand readers would need a
    thousand. (Inside a transaction, a test's, the connection is not ours to close.)"""
    if not connection.in_atomic_block:
        connection.close()


@require_GET
async def stream(request: HttpRequest, slug: str, label: str, number: int):
    """The room's server-sent events: the screen now, then each change as it happens."""
    if not (await request.auser()).is_authenticated:
        return redirect_to_login(request.get_full_path())
    reading = await sync_to_async(get_reading)(request, slug, label, number)

    async def events():
        # Once the middleware is done with the request (it may ask the database again on the
        # way out), the stream lets go of its connection for as long as it lasts.
        await sync_to_async(_done_with_database)()
        async for event in live.stream(
            reading.pk,
            lambda: sync_to_async(_current_screen)(reading.pk),
            # A server without an event loop for streams (manage.py runserver, WSGI) sends the
            # screen and asks the browser to come back, instead of holding a thread for ever.
            once=not isinstance(request, ASGIRequest),
        ):
            yield event

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    # Proxies (nginx) must pass each event on at once instead of buffering the stream.
    response["X-Accel-Buffering"] = "no"
    return response


def _pen_action(request, slug, label, number, name, form_class, apply) -> HttpResponse:
    reading = get_reading_for_pen(request, slug, label, number)
    form = form_class(request.POST, reading=reading)
    if form.is_valid():
        try:
            apply(reading, form.cleaned_data)
        except ValueError as error:
            form.add_error(None, str(error))
    if not form.is_valid():
        return _render_room(request, reading, forms={name: form}, status=400)
    if not request.htmx:
        return redirect("room:room", slug, label, number)
    return _render_room(request, Reading.objects.get(pk=reading.pk))


@require_POST
@login_required
def move(request: HttpRequest, slug: str, label: str, number: int) -> HttpResponse:
    return _pen_action(
        request,
        slug,
        label,
        number,
        "move",
        MoveForm,
        lambda reading, data: services.move_to(
            reading, data["paragraph"], span=data["span"], request=request
        ),
    )


@require_POST
@login_required
def wording(request: HttpRequest, slug: str, label: str, number: int) -> HttpResponse:
    return _pen_action(
        request,
        slug,
        label,
        number,
        "wording",
        WordingForm,
        lambda reading, data: services.set_wording(
            reading, data["paragraph"], data["text"], previous=data["previous"], request=request
        ),
    )


@require_POST
@login_required
def floor(request: HttpRequest, slug: str, label: str, number: int) -> HttpResponse:
    return _pen_action(
        request,
        slug,
        label,
        number,
        "floor",
        FloorForm,
        lambda reading, data: services.give_floor(
            reading,
            data["paragraph"],
            organisation=data["organisation"],
            speaker=data["speaker"],
            request=request,
        ),
    )


@require_POST
@login_required
def status(request: HttpRequest, slug: str, label: str, number: int) -> HttpResponse:
    def apply(reading, data):
        services.set_paragraph_status(
            reading,
            data["paragraph"],
            data["status"],
            waiting_for=data["waiting_for"],
            note=data["note"],
            request=request,
        )

    return _pen_action(request, slug, label, number, "status", StatusPenForm, apply)


@require_POST
@login_required
def close(request: HttpRequest, slug: str, label: str, number: int) -> HttpResponse:
    reading = get_reading_for_pen(request, slug, label, number)
    try:
        services.close_reading(reading, request=request)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("room:room", slug, label, number)
    return redirect("room:log", slug, label, number)


@require_GET
@login_required
def log(request: HttpRequest, slug: str, label: str, number: int) -> HttpResponse:
    """What happened on each paragraph during the reading; kept once it is closed."""
    reading = get_reading(request, slug, label, number)
    entries = list(
        reading.log.select_related("paragraph", "organisation", "actor").order_by(
            "paragraph__order", "at", "pk"
        )
    )
    for entry in entries:
        if entry.kind == LogEntry.Kind.WORDING:
            entry.changes = diff_html(entry.before, entry.after)
        elif entry.kind == LogEntry.Kind.STATUS:
            entry.before, entry.after = (
                ParagraphStatus.Status(entry.before).label,
                ParagraphStatus.Status(entry.after).label,
            )
    by_paragraph = [(p, list(found)) for p, found in groupby(entries, key=lambda e: e.paragraph)]
    context = {
        "consultation": reading.version.consultation,
        "version": reading.version,
        "reading": reading,
        "by_paragraph": by_paragraph,
    }
    return render(request, "room/log.html", context)
