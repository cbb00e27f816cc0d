import functools
import hashlib
import logging

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, prefetch_related_objects
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.crypto import salted_hmac
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wsis import cache
from wsis.comments.models import PUBLISHED_ENTRIES, Entry
from wsis.drafts.access import get_version
from wsis.drafts.models import Paragraph, Version
from wsis.negotiation.models import ParagraphStatus, status_scope, statuses
from wsis.silence.outcome import silence_summary
from wsis.stakeholders.access import (
    active_membership,
    facilitated_consultations,
    request_memberships,
)

logger = logging.getLogger(__name__)
# ``_page``: the generations are to be read.
_READ = object()


def rendered_text(version) -> dict[str, str]:
    """The contents and the paragraphs of a version as HTML, rendered once per version.

    A version's text does not change once imported (a new import is a new version), so
    this is cached; each request then only fills in the entry counts.
    """

    def compute():
        paragraphs = list(version.paragraphs.in_document_order())
        sections = []
        for paragraph in paragraphs:
            # Where its entry counts go, filled per request (``count_snippets``).
            paragraph.count_slot = cache.slot(str(paragraph.lineage))
            # And its status, filled per request too (``status_snippets``): it changes in the
            # room while the text stays.
            paragraph.status_slot = cache.slot(status_slot_name(paragraph.pk))
            if not sections or sections[-1]["section"].pk != paragraph.section_id:
                sections.append({"section": paragraph.section, "paragraphs": []})
            sections[-1]["paragraphs"].append(paragraph)
        context = {"sections": sections, "version": version}
        return {
            "toc": render_to_string("drafts/reader.html#toc", context),
            "sections": render_to_string("drafts/reader.html#sections", context),
            # Every paragraph of the consultation, so entries on earlier versions count too.
            "lineages": {
                pk: str(lineage)
                for pk, lineage in Paragraph.objects.filter(
                    version__consultation_id=version.consultation_id
                ).values_list("pk", "lineage")
            },
            # The versions of those paragraphs, to count their entries without a join.
            "versions": list(
                Version.objects.filter(consultation_id=version.consultation_id).values_list(
                    "pk", flat=True
                )
            ),
        }

    name = cache.key(
        "reader", version.pk, version.created.timestamp(), version.source_sha256, get_language()
    )
    return cache.cached(name, compute, cache.CONTENT_SECONDS)


def status_slot_name(paragraph_id) -> str:
    return f"status-{paragraph_id}"


def status_snippets(version, known) -> dict[str, str]:
    """Per status slot, the HTML of the paragraph's status (nothing while open), the same for
    every reader; cached until a status of the version changes (``status_scope``, whose
    generation is among those ``known``)."""

    def compute():
        return {
            status_slot_name(pk): render_to_string(
                "negotiation/_status_badge.html", {"status": row}
            ).strip()
            for pk, row in statuses(version).items()
            if row.status != ParagraphStatus.Status.OPEN
        }

    name = cache.key(
        "reader-statuses", version.pk, cache.joined(known, status_scope(version.pk)), get_language()
    )
    return cache.cached(name, compute, cache.STRUCTURE_SECONDS)


def _count_scopes(user, organisation_ids, facilitates) -> list[str]:
    """The scopes of the entries a reader sees (``count_snippets``)."""
    scopes = [cache.PUBLIC]
    if user.is_authenticated:
        scopes += [cache.organisation_scope(pk) for pk in sorted(set(organisation_ids))]
        if facilitates:
            scopes.append(cache.FACILITATED)
    return scopes


def count_snippets(
    version, user, organisation_id, known=None, organisation_ids=(), facilitates=False
):
    """Per paragraph lineage, the HTML of its counts for this reader.

    ``organisation_ids`` are all the reader's organisations (whose entries they see),
    ``organisation_id`` the one they act for (whose entries are "ours"), ``facilitates``
    whether they facilitate the version's consultation (and see what is submitted to it);
    ``known`` holds the generations of their scopes (``_count_scopes``), read with others by
    the reader; read here when not given (a panel renewing one paragraph's counts).

    Cached per version and audience until an entry that audience sees changes (see
    ``scopes_of``): a delegate saving a draft renews only their organisation's counts, and
    the published counts, the same for everyone, are counted once for all readers.
    """
    organisation_ids = sorted(set(organisation_ids)) if user.is_authenticated else []
    facilitates = facilitates and user.is_authenticated
    scopes = _count_scopes(user, organisation_ids, facilitates)
    if known is None:
        known = cache.generations(*scopes)
    audience = ",".join(scopes) + (f":ours={organisation_id}" if organisation_ids else "")

    def compute():
        counts = {
            lineage: {"total": total, "ours": 0, "drafts": 0}
            for lineage, total in published_counts(
                version, cache.joined(known, cache.PUBLIC)
            ).items()
        }
        if organisation_ids or facilitates:
            for lineage, extra in _other_counts(
                version, organisation_id, organisation_ids, facilitates
            ).items():
                found = counts.setdefault(lineage, {"total": 0, "ours": 0, "drafts": 0})
                for name, value in extra.items():
                    found[name] += value
        return {lineage: _count_html(c) for lineage, c in counts.items()}

    name = cache.key(
        "reader-counts", version.pk, cache.joined(known, *scopes), audience, get_language()
    )
    return cache.cached(name, compute, cache.ENTRIES_SECONDS)


def _by_lineage(version, rows) -> dict[str, dict]:
    """Rows grouped by paragraph, summed by paragraph lineage (entries made on earlier
    versions count on the paragraph they became)."""
    lineages = rendered_text(version)["lineages"]
    counts: dict[str, dict] = {}
    for row in rows:
        lineage = lineages.get(row.pop("paragraph_id"))
        if lineage is None:
            continue
        found = counts.setdefault(lineage, dict.fromkeys(row, 0))
        for name, value in row.items():
            found[name] += value
    return counts


def published_counts(version, generation: str | None) -> dict[str, int]:
    """Per paragraph lineage, the published entries: what every reader sees.

    Shared by all readers; ``generation`` is that of the published scope (None: not cached).
    """

    def compute():
        # Grouped by paragraph, with no join: an index-only scan of the partial index.
        rows = (
            Entry.objects.filter(PUBLISHED_ENTRIES)
            .filter(version_id__in=rendered_text(version)["versions"])
            .values("paragraph_id")
            .annotate(total=Count("*"))  # COUNT(*): from the index alone, no row read
            .order_by()
        )
        return {lineage: c["total"] for lineage, c in _by_lineage(version, rows).items()}

    return cache.cached(
        cache.key("reader-published", version.pk, generation), compute, cache.ENTRIES_SECONDS
    )


def _other_counts(version, organisation_id, organisation_ids, facilitates) -> dict[str, dict]:
    """Per lineage, what a member sees besides the published entries (their organisations'
    entries under way; what is submitted, if they facilitate), and how many of all they see
    are ours. The same audiences as ``Entry.objects.visible_to``, with known ids."""
    not_published = ~PUBLISHED_ENTRIES
    ours = Q(organisation_id=organisation_id)
    seen = Q(organisation_id__in=organisation_ids) & ~Q(moderation=Entry.Moderation.HIDDEN)
    if facilitates:
        submitted = Q(status__in=[Entry.Status.SUBMITTED, Entry.Status.WITHDRAWN])
        seen |= submitted & not_published
    rows = (
        Entry.objects.filter(seen, version_id__in=rendered_text(version)["versions"])
        .values("paragraph_id")
        .annotate(
            total=Count("pk", filter=not_published),
            ours=Count("pk", filter=ours),
            drafts=Count("pk", filter=ours & Q(status=Entry.Status.DRAFT)),
        )
        .order_by()
    )
    return _by_lineage(version, rows)


def _count_html(counts: dict) -> str:
    return _count_html_of(counts["total"], counts["ours"], counts["drafts"], get_language())


@functools.lru_cache(maxsize=4096)
def _count_html_of(total: int, ours: int, drafts: int, language: str) -> str:
    """The counts as HTML; the same few numbers recur across a draft's paragraphs, so
    remembered."""
    counts = {"total": total, "ours": ours, "drafts": drafts}
    parts = [
        format_html(
            '<span class="entry-count">{}</span>',
            ngettext("%(n)d entry", "%(n)d entries", counts["total"]) % {"n": counts["total"]},
        )
    ]
    if counts["ours"]:
        label = ngettext("%(n)d ours", "%(n)d ours", counts["ours"]) % {"n": counts["ours"]}
        if counts["drafts"]:
            label += " · " + ngettext("%(n)d draft", "%(n)d drafts", counts["drafts"]) % {
                "n": counts["drafts"]
            }
        parts.append(format_html('<span class="entry-ours">{}</span>', label))
    return "".join(parts)


def _versions_with_round(slug: str, label: str | None, user) -> tuple[Version, list[Version]]:
    """The version asked for and every published version of its consultation (the reader's
    list of versions), each with its consultation and round: one query, where ``get_version``
    and the list took two; a consultation has a handful of versions."""
    versions = list(
        Version.objects.published()
        .select_related("consultation", "round")
        .filter(consultation__slug=slug)
        .order_by("order")
    )
    if label is not None:
        found = next((v for v in versions if v.label == label), None)
    else:
        current = [v for v in versions if v.status != Version.Status.SUPERSEDED]
        found = (current or versions or [None])[-1]
    # A version in preparation, for its facilitators; the 404 for anyone else.
    return found or get_version(slug, label, user=user), versions


def silence_banner(version, now) -> str:
    """The version's silence banner as HTML ("" if it was never under silence), cached: once a
    procedure is over its outcome is final, and ``silence_until`` (read with the version) moves
    with every new procedure, extension or early end, so it names the banner with ``running``."""
    if version.silence_until is None:
        return ""
    running = version.in_silence(now)

    def compute():
        summary = silence_summary(version, now)
        if summary["silence"] is None:
            return ""
        context = {"consultation": version.consultation, "version": version} | summary
        return render_to_string("silence/_banner.html", context)

    until = version.silence_until.timestamp()
    zone = version.consultation.time_zone  # the banner shows the deadline in it
    name = cache.key("reader-silence", version.pk, until, running, zone, get_language())
    return cache.cached(name, compute, cache.STRUCTURE_SECONDS)


def _rows(*objects) -> str:
    """What was read of these rows (every column), to name a page that shows them: any change,
    through the ORM or not, names another page."""
    return repr([[getattr(o, f.attname) for f in o._meta.concrete_fields] for o in objects if o])


def _page_name(request, version, versions, known, state) -> str | None:
    """The name of the reader page of an anonymous visitor, the same for all of them: the rows
    it shows, the generations of its counts, statuses and structure, the language, the path
    (the sign-in link returns to it), and what changes with the clock (``state``)."""
    rows = _rows(version, version.consultation, getattr(version, "round", None), *versions)
    shown = repr((rows, request.path, state)).encode()  # a key holds no spaces (memcached)
    return cache.key(
        "reader-page",
        version.pk,
        hashlib.blake2b(shown, digest_size=16).hexdigest(),
        cache.joined(known, cache.PUBLIC, status_scope(version.pk), cache.PARAGRAPHS),
        get_language(),
    )


def _anonymous_without_state(request) -> bool:
    """A visitor with no session and no pending message: their page is everyone's. Not with a
    query string, which would let anyone fill the cache with copies of the page."""
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and not request.META.get("QUERY_STRING")
    )


@require_GET
def reader(request: HttpRequest, slug: str, label: str | None = None) -> HttpResponse:
    """The draft. Its page is rendered with a slot for the CSRF token, the one part that differs
    from one request to the next, and named by a digest of that (a weak ETag, with the token's
    secret, so that a page kept by a browser always carries a token its cookie accepts): a
    reader whose page did not change gets a 304. An anonymous visitor's page is cached whole."""
    version, versions = _versions_with_round(slug, label, request.user)
    now = timezone.now()
    if _anonymous_without_state(request):
        round_ = getattr(version, "round", None)
        known = cache.generations(cache.PUBLIC, status_scope(version.pk), cache.PARAGRAPHS)
        # The clock: the round opens and closes, the time left is shown to the minute.
        state = (
            bool(round_ and round_.is_open_for(None, now)),
            bool(round_ and now < round_.opens_at),
            version.in_silence(now),
            int(now.timestamp() // 60),
        )
        name = _page_name(request, version, versions, known, state)
        # Named by the minute: of no use after it.
        page = cache.cached(name, lambda: _page(request, version, versions, now, known), 60)
    else:
        page = _page(request, version, versions, now)
    token = get_token(request)
    response = HttpResponse(page["html"].replace(cache.slot("csrf"), token))
    secret = salted_hmac(
        "wsis.drafts.reader", request.META["CSRF_COOKIE"], algorithm="sha256"
    ).hexdigest()[:16]
    response["ETag"] = f'W/"{page["digest"]}-{secret}"'
    if not request.user.is_authenticated:
        # Kept by browsers and proxies, asked again each time (a 304 if unchanged).
        patch_cache_control(response, no_cache=True)
    return get_conditional_response(request, etag=response["ETag"], response=response)


def _page(request, version, versions, now, known=_READ) -> dict:
    """The reader's page for this request, with a slot for the CSRF token, and its digest.

    The draft's part (below the header) is the same for everyone who sees the same entries as
    this reader: their organisations, the one they act for, whether they facilitate, named by
    the generations of all of these. A signed-in reader's is cached under that name, for the
    minute (the time left is shown to the minute); the header, which names the person, is
    rendered for each request. ``known``: the generations read for an anonymous visitor, whose
    whole page the caller caches."""
    membership = active_membership(request)
    organisation = membership.organisation if membership else None
    facilitates = any(c.pk == version.consultation_id for c in facilitated_consultations(request))
    organisation_ids = [m.organisation_id for m in request_memberships(request)]
    scopes = [*_count_scopes(request.user, organisation_ids, facilitates), status_scope(version.pk)]
    content_name = None
    round_ = getattr(version, "round", None)
    if round_ and organisation:
        # Its deadline for this organisation and whether it is open: one read of extensions.
        prefetch_related_objects([round_], "extensions")
    closes_at = round_.closes_at_for(organisation) if round_ else None
    context = {
        "consultation": version.consultation,
        "version": version,
        "versions": versions,
        "round": round_,
        "closes_at": closes_at,
        "round_is_open": bool(round_ and round_.is_open_for(organisation, now)),
        "round_not_yet_open": bool(round_ and now < round_.opens_at),
        "membership": membership,
        "facilitates": facilitates,
        # Filled per response (``reader``): the page may serve many.
        "csrf_token": cache.slot("csrf"),
    }
    if known is _READ:
        known = cache.generations(*scopes, cache.PARAGRAPHS)
        shown = (
            _rows(version, version.consultation, round_, *versions),
            request.path,
            [context[k] for k in ("closes_at", "round_is_open", "round_not_yet_open")],
            version.in_silence(now),
            int(now.timestamp() // 60),
        )
        content_name = cache.key(
            "reader-content",
            version.pk,
            hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest(),
            cache.joined(known, *scopes, cache.PARAGRAPHS),
            ",".join(map(str, sorted(set(organisation_ids)))),
            organisation.pk if organisation else None,
            facilitates,
            get_language(),
        )

    def content() -> str:
        text = rendered_text(version)
        snippets = count_snippets(
            version,
            request.user,
            organisation.pk if organisation else None,
            known,
            organisation_ids=organisation_ids,
            facilitates=facilitates,
        )
        badges = status_snippets(version, known)
        return render_to_string(
            "drafts/reader.html#content",
            context
            | {
                "toc_html": mark_safe(text["toc"]),  # noqa: S308 - rendered by our own template
                # Counts via format_html, statuses rendered by our template.
                "sections_html": cache.fill(
                    text["sections"], lambda name: badges.get(name) or snippets.get(name)
                ),
                "silence_banner": mark_safe(silence_banner(version, now)),  # noqa: S308 - ours
            },
            request,
        )

    # Named by the minute: of no use after it.
    content_html = cache.cached(content_name, content, 60)
    content_html = mark_safe(content_html)  # noqa: S308 - rendered by our own template
    html = render_to_string("drafts/reader.html", context | {"content_html": content_html}, request)
    return {"html": html, "digest": hashlib.blake2b(html.encode(), digest_size=16).hexdigest()}


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure to reach the database means "not ready"
        # Anyone may ask: the reason (host, port, role) goes to the log only.
        logger.exception("Health check: the database does not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
