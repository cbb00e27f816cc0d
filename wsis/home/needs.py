"""What waits for each person on their home page, per consultation and per role.

Every figure is an aggregate (``COUNT … FILTER``) or a short list cut in the database, so a home
costs the same number of queries whether a consultation holds five entries or fifty thousand
(``tests/home/test_views.py`` counts them).
"""

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from wsis.audit.models import AuditEvent
from wsis.comments.models import Entry, Support
from wsis.drafts.models import Consultation, Version
from wsis.moderation.placement import Placement
from wsis.reports.models import ReportJob
from wsis.room.models import Reading
from wsis.silence.models import Silence
from wsis.stakeholders.models import Accreditation, Invitation, Membership

# How many drafts and report jobs a home lists; the counts say how many there are.
LISTED = 5
# How many of the latest decisions a member's home lists; the ledger lists them all.
DECISIONS_LISTED = 10

# When an entry was last decided, from its audit events: its ``updated`` moves for other
# changes too (a duplicate mark). An entry decided without an event (written directly, as in
# loaded data) is dated by ``updated``. A correlated subquery on the indexed target: one query.
DECIDED_AT = Coalesce(
    Subquery(
        AuditEvent.objects.filter(
            action="entry.decided",
            target=Concat(Value("comments.entry:"), Cast(OuterRef("pk"), output_field=CharField())),
        )
        .order_by("-created", "-pk")
        .values("created")[:1]
    ),
    "updated",
)


@dataclass
class Place:
    """A consultation as a home shows it: its current version and where that version stands."""

    consultation: Consultation
    version: Version | None
    reading: Reading | None = None
    # Filled for the roles the person has there.
    member: dict | None = None
    facilitator: dict | None = None

    @property
    def round(self):
        return getattr(self.version, "round", None) if self.version else None

    @property
    def silence_until(self):
        version = self.version
        return version.silence_until if version and version.in_silence() else None

    def round_state(self, organisation=None) -> dict:
        """When comments close (for ``organisation``, with its extension) and whether they are
        open now, not yet open or closed."""
        found, now = self.round, timezone.now()
        if found is None:
            return {"round": None}
        closes_at = found.closes_at_for(organisation)
        # Named as ``comments/_round.html`` reads them.
        return {
            "round": found,
            "closes_at": closes_at,
            "round_is_open": found.is_open_for(organisation, now),
            "round_not_yet_open": now < found.opens_at,
        }


def current_of(versions: list[Version]) -> Version | None:
    """``Consultation.current_version`` over versions already fetched, newest first."""
    return next((v for v in versions if v.status != Version.Status.SUPERSEDED), None) or next(
        iter(versions), None
    )


def places(consultations) -> list[Place]:
    """Each consultation with its current version, the version's round (and its extensions)
    and the reading open on it: three queries for any number of consultations."""
    versions = (
        Version.objects.published()
        .select_related("round")
        .prefetch_related("round__extensions")
        .order_by("-order")
    )
    consultations = list(
        consultations.prefetch_related(Prefetch("versions", versions, to_attr="published"))
    )
    found = [Place(c, current_of(c.published)) for c in consultations]
    shown = [place.version.pk for place in found if place.version]
    readings = {
        r.version_id: r
        for r in Reading.objects.filter(version_id__in=shown, closed__isnull=True).select_related(
            "paragraph"
        )
    }
    for place in found:
        place.reading = readings.get(place.version.pk) if place.version else None
    return found


def for_member(place: Place, membership: Membership, user) -> dict:
    """What a delegate and a focal point of ``membership``'s organisation have waiting."""
    organisation, version = membership.organisation, place.version
    ours = Entry.objects.visible_to(user).filter(
        organisation=organisation, version__consultation=place.consultation
    )
    on_current = Q(version=version)
    draft, submitted = Q(status=Entry.Status.DRAFT), Q(status=Entry.Status.SUBMITTED)
    counts = ours.aggregate(
        my_drafts=Count("pk", filter=draft & on_current & Q(author=user)),
        drafts=Count("pk", filter=draft & on_current),
        left_behind=Count("pk", filter=draft & ~on_current),
        submitted=Count("pk", filter=submitted),
        pending=Count("pk", filter=submitted & Q(moderation=Entry.Moderation.PENDING)),
        published=Count("pk", filter=submitted & Q(moderation=Entry.Moderation.PUBLISHED)),
        rejected=Count("pk", filter=submitted & Q(moderation=Entry.Moderation.REJECTED)),
        decided=Count("pk", filter=submitted & ~Q(decision=Entry.Decision.OPEN)),
    )
    found = {
        "membership": membership,
        "counts": counts,
        "my_drafts": list(
            ours.filter(draft & on_current & Q(author=user))
            .select_related("paragraph")
            .order_by("-updated", "-pk")[:LISTED]
        ),
        # Every member reads what was decided on the organisation's entries, newest first.
        "decisions": list(
            ours.filter(submitted)
            .exclude(decision=Entry.Decision.OPEN)
            .select_related("paragraph", "version")
            .annotate(decided_at=DECIDED_AT)
            .order_by("-decided_at", "-pk")[:DECISIONS_LISTED]
        ),
        **place.round_state(organisation),
    }
    if membership.is_focal_point:
        found |= _for_focal_point(place, organisation)
    return found


def _for_focal_point(place: Place, organisation) -> dict:
    supports = Support.objects.filter(entry__version__consultation=place.consultation).filter(
        Q(entry__organisation=organisation) | Q(organisation=organisation)
    )
    return {
        "supports": supports.aggregate(
            received=Count("pk", filter=Q(entry__organisation=organisation)),
            given=Count("pk", filter=Q(organisation=organisation)),
        ),
        "delegates": Membership.objects.filter(
            organisation=organisation, role=Membership.Role.DELEGATE
        ).count(),
        "invitations": Invitation.objects.filter(organisation=organisation).open().count(),
    }


def for_facilitator(place: Place, pending_requests: int) -> dict:
    """What the facilitators of ``place``'s consultation have waiting: the queue as it opens
    (the current version's submissions), accreditation requests, the round, silence and the
    report jobs, running ones first."""
    version, consultation = place.version, place.consultation
    found = {"pending_requests": pending_requests, **place.round_state()}
    jobs = ReportJob.objects.filter(version__consultation=consultation)
    unfinished = Q(state__in=[ReportJob.State.QUEUED, ReportJob.State.RENDERING])
    found["jobs"] = list(
        jobs.select_related("version", "organisation")
        .annotate(running=Case(When(unfinished, then=Value(0)), default=Value(1)))
        .order_by("running", "-created")[:LISTED]
    )
    if version is None:
        return found
    published = Q(moderation=Entry.Moderation.PUBLISHED)
    found["counts"] = (
        Placement(version)
        .entries()
        .aggregate(
            pending=Count("pk", filter=Q(moderation=Entry.Moderation.PENDING)),
            undecided=Count("pk", filter=published & Q(decision=Entry.Decision.OPEN)),
        )
    )
    found["organisations"] = Accreditation.objects.filter(consultation=consultation).aggregate(
        accredited=Count("organisation", distinct=True),
        submitted=Count(
            "organisation",
            distinct=True,
            filter=Q(
                organisation__entries__version=version,
                organisation__entries__status=Entry.Status.SUBMITTED,
            ),
        ),
    )
    found["silence"] = (
        Silence.objects.filter(version=version)
        .annotate(broken=Count("breaks__paragraph", distinct=True))
        .order_by("-started", "-pk")
        .first()
    )
    return found


@dataclass
class Home:
    """A signed-in person's home: the consultations where they have a role, each with what
    waits for them there, and the others they may only read."""

    places: list[Place] = field(default_factory=list)
    others: list[Place] = field(default_factory=list)


def home_of(user, membership: Membership | None, facilitated: list[Consultation]) -> Home:
    accredited = set()
    if membership is not None:
        accredited = set(
            Accreditation.objects.filter(organisation=membership.organisation).values_list(
                "consultation_id", flat=True
            )
        )
    pending = {c.pk: c.pending_requests for c in facilitated}
    home = Home()
    for place in places(Consultation.objects.all()):
        pk = place.consultation.pk
        if pk in pending:
            place.facilitator = for_facilitator(place, pending[pk])
        if pk in accredited and place.version is not None:
            place.member = for_member(place, membership, user)
        (home.places if place.member or place.facilitator else home.others).append(place)
    return home
