"""The WSIS+20 demo: the zero draft, organisations of every group, their people, a facilitator.

Every step is get-or-create, so running it twice changes nothing.
"""

import re
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from wsis.audit.models import record
from wsis.drafts.importer import decode, import_draft, parse
from wsis.drafts.models import CommentRound, Consultation
from wsis.stakeholders.models import Membership, Organisation, StakeholderGroup

FIXTURES = Path(__file__).parent / "fixtures"
ZERO_DRAFT = FIXTURES / "wsis20-zero-draft.txt"
UPU_COPY = FIXTURES / "wsis20-zero-draft-upu-comments.txt"
PASSWORD = "wsis20-demo"  # noqa: S105 - printed for the demo on purpose

# (group code, name, acronym, country or seat, website)
ORGANISATIONS = [
    ("member_state", "Brazil", "BRA", "Brasília", "https://www.gov.br/mre"),
    ("member_state", "Germany", "DEU", "Berlin", "https://www.auswaertiges-amt.de"),
    ("member_state", "Kenya", "KEN", "Nairobi", "https://www.mfa.go.ke"),
    ("member_state", "Japan", "JPN", "Tokyo", "https://www.mofa.go.jp"),
    ("member_state", "Group of 77 and China", "G77", "New York", "https://www.g77.org"),
    ("observer_state", "Holy See", "VAT", "Vatican City", "https://www.vatican.va"),
    ("un_system", "Universal Postal Union", "UPU", "Bern", "https://www.upu.int"),
    ("un_system", "International Telecommunication Union", "ITU", "Geneva", "https://www.itu.int"),
    ("private_sector", "International Chamber of Commerce", "ICC", "Paris", "https://iccwbo.org"),
    ("private_sector", "GSM Association", "GSMA", "London", "https://www.gsma.com"),
    (
        "civil_society",
        "Association for Progressive Communications",
        "APC",
        "Johannesburg",
        "https://www.apc.org",
    ),
    ("civil_society", "Access Now", "ACCESS", "New York", "https://www.accessnow.org"),
    ("technical", "Internet Society", "ISOC", "Reston", "https://www.internetsociety.org"),
    (
        "technical",
        "Internet Corporation for Assigned Names and Numbers",
        "ICANN",
        "Los Angeles",
        "https://www.icann.org",
    ),
    (
        "academic",
        "Global Network of Internet and Society Research Centers",
        "NOC",
        "Berlin",
        "https://networkofcenters.net",
    ),
]

FACILITATOR = ("facilitator", "Co-facilitator", "Secretariat")

# A negotiating group speaks for its members in the rolling text: (acronym, members).
NEGOTIATING_GROUPS = [("G77", ["BRA", "KEN"])]

# The first reading of the zero draft, under way: statuses the pen set, paragraph by paragraph.
STATUSES = [
    (["A", "B", "C", "1", "2", "3"], "agreed_ad_ref", ()),
    (["4"], "agreed_informals", ()),
    (["5"], "pending", ("JPN", "DEU")),
]
# Then the pen on OP 6: who took the floor there, and the working wording the room arrived at.
PEN_AT = "6"
PEN_FLOOR = "G77"
PEN_WORDING = ("tremendous growth", "significant growth")

# The UPU typed a note to itself at the end of OP31, between slashes: it is a comment, not
# part of the wording it proposes.
MARGIN_NOTE = re.compile(r"\s*/([^/]+)/\s*$")

# Other organisations' entries, so the demo looks like a consultation under way:
# (acronym, paragraph, kind, (old, new) replacement or None, comment, state).
# state: "draft", "pending" (submitted, awaiting moderation) or "published".
OTHER_ENTRIES = [
    (
        "KEN",
        "29",
        "amendment",
        (
            "entry-level broadband subscription costs",
            "entry-level broadband subscription costs of less than 2 per cent of monthly "
            "gross national income per capita",
        ),
        "A measurable target, as in the Broadband Commission's goals.",
        "published",
    ),
    (
        "BRA",
        "60",
        "amendment",
        ("on mutually agreed terms", "on voluntary and mutually agreed terms"),
        "Consistent with the language agreed in the 2030 Agenda.",
        "published",
    ),
    # The G77 proposes what Brazil, its member, proposes: the rolling text names the group.
    (
        "G77",
        "60",
        "amendment",
        ("on mutually agreed terms", "on voluntary and mutually agreed terms"),
        "",
        "published",
    ),
    ("DEU", "9", "comment", None, "We strongly support this paragraph as drafted.", "published"),
    (
        "JPN",
        "100",
        "amendment",
        (
            "within existing resources",
            "within existing resources and in coordination with existing initiatives",
        ),
        "To avoid duplication with existing AI capacity-building efforts.",
        "pending",
    ),
    (
        "APC",
        "13",
        "comment",
        None,
        "We would welcome a reference to technology-facilitated gender-based violence.",
        "published",
    ),
    (
        "ISOC",
        "29",
        "comment",
        None,
        "Community networks can bring these costs down where markets do not reach.",
        "published",
    ),
    ("ITU", "68", "new_paragraph", None, "", "published"),
    (
        "ACCESS",
        "90",
        "deletion",
        None,
        "Preferable to address these concerns in the human rights section.",
        "draft",
    ),
    (
        "GSMA",
        "40",
        "comment",
        None,
        "Draft comment for our focal point to review before submission.",
        "draft",
    ),
    (
        "KEN",
        "44",
        "comment",
        None,
        "Internal note: check alignment with our national school connectivity plan.",
        "draft",
    ),
]
ITU_NEW_PARAGRAPH = (
    "We encourage the development of digital skills frameworks at national level, drawing on "
    "the ITU Digital Skills Toolkit and the work of the Partner2Connect Digital Coalition."
)
UPU_SUPPORTERS = {"44": ["KEN", "BRA"], "26": ["ITU"]}


def _user(username, first, last):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
    )
    if created:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load_demo() -> list[tuple[str, str]]:
    """Create the demo; return (username, what they are) for every sign-in."""
    consultation, _ = Consultation.objects.get_or_create(
        slug="wsis20",
        defaults={
            "title": "WSIS+20 review: outcome resolution of the General Assembly",
            "time_zone": "America/New_York",
        },
    )
    version = consultation.versions.filter(label="Zero draft").first()
    if version is None:
        version = import_draft(consultation, "Zero draft", parse(decode(ZERO_DRAFT.read_bytes())))
    now = timezone.now()
    CommentRound.objects.get_or_create(
        version=version,
        defaults={"opens_at": now - timedelta(days=7), "closes_at": now + timedelta(days=21)},
    )

    sign_ins = []
    facilitator = _user(*FACILITATOR)
    # Facilitators work through the site's pages, which keep the workflow and the audit log;
    # the admin is for operators. Demos loaded before this made the facilitator staff.
    if facilitator.is_staff:
        facilitator.is_staff = False
        facilitator.save(update_fields=["is_staff"])
        facilitator.user_permissions.clear()
    consultation.facilitators.add(facilitator)
    sign_ins.append((facilitator.username, "facilitator (co-facilitators' secretariat)"))

    groups = {g.code: g for g in StakeholderGroup.objects.all()}
    for code, name, acronym, country, website in ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(
            acronym=acronym,
            defaults={"name": name, "group": groups[code], "country": country, "website": website},
        )
        organisation.accredit(consultation)
        slug = acronym.lower()
        for role, title in (
            (Membership.Role.FOCAL_POINT, "Focal point"),
            (Membership.Role.DELEGATE, "Delegate"),
        ):
            suffix = "focal" if role == Membership.Role.FOCAL_POINT else "delegate"
            user = _user(f"{slug}.{suffix}", title, acronym)
            Membership.objects.get_or_create(
                user=user, organisation=organisation, defaults={"role": role}
            )
            sign_ins.append((user.username, f"{title.lower()}, {name}"))
    for acronym, members in NEGOTIATING_GROUPS:
        group = Organisation.objects.get(acronym=acronym)
        if not group.is_negotiating_group:
            group.is_negotiating_group = True
            group.save(update_fields=["is_negotiating_group"])
        group.members.add(*Organisation.objects.filter(acronym__in=members))
    _demo_entries(version)
    _demo_reading(version, facilitator)
    _demo_silence(version, facilitator)
    return sign_ins


def _demo_reading(version, facilitator) -> None:
    """The first reading in progress, as the pen left it: statuses set (logged in the
    reading), the floor taken and a wording edited on the paragraph under the pen; a snapshot
    of the convergence before it. Once: a demo that has a reading is left as it is."""
    from django.http import HttpRequest

    from wsis.negotiation.services import take_snapshot
    from wsis.room import services

    if version.readings.exists():
        return
    if not version.convergence_snapshots.exists():
        take_snapshot(version, label="Before the first reading", actor=facilitator)
    # The room's services act for the facilitator at their keyboard.
    request = HttpRequest()
    request.user = facilitator
    reading = services.open_reading(version, request=request)
    for labels, status, waiting_for in STATUSES:
        for paragraph in version.paragraphs.filter(label__in=labels).in_document_order():
            services.move_to(reading, paragraph, request=request)
            services.set_paragraph_status(
                reading,
                paragraph,
                status,
                waiting_for=Organisation.objects.filter(acronym__in=waiting_for),
                request=request,
            )
    paragraph = version.paragraphs.get(label=PEN_AT)
    services.move_to(reading, paragraph, request=request)
    services.give_floor(
        reading,
        paragraph,
        organisation=Organisation.objects.get(acronym=PEN_FLOOR),
        request=request,
    )
    services.set_wording(
        reading,
        paragraph,
        paragraph.text.replace(*PEN_WORDING),
        previous=paragraph.text,
        request=request,
    )


def upu_proposals() -> tuple[dict[str, str], dict[str, str]]:
    """The UPU's wording for each paragraph it changed, and its margin notes, by label."""
    zero = {p.label: p.text for p in parse(decode(ZERO_DRAFT.read_bytes())).paragraphs}
    wording, notes = {}, {}
    for paragraph in parse(decode(UPU_COPY.read_bytes())).paragraphs:
        text = paragraph.text
        note = MARGIN_NOTE.search(text)
        if note:
            notes[paragraph.label] = note.group(1).strip()
            text = text[: note.start()]
        if text != zero[paragraph.label]:
            wording[paragraph.label] = text
    return wording, notes


def _entry(version, organisation, label, kind, *, text="", proposed="", state="published"):
    from wsis.comments.models import Entry

    paragraph = version.paragraphs.get(label=label)
    submitted = state != "draft"
    entry = Entry.objects.create(
        version=version,
        paragraph=paragraph,
        organisation=organisation,
        author=organisation.memberships.get(role=Membership.Role.FOCAL_POINT).user,
        kind=kind,
        text=text,
        proposed_text=proposed,
        status=Entry.Status.SUBMITTED if submitted else Entry.Status.DRAFT,
        submitted_at=timezone.now() if submitted else None,
        moderation=(
            Entry.Moderation.PUBLISHED if state == "published" else Entry.Moderation.PENDING
        ),
    )
    record("entry.created", entry, actor=entry.author, organisation=organisation, demo=True)
    if submitted:
        record("entry.submitted", entry, actor=entry.author, organisation=organisation, demo=True)
    return entry


def _demo_entries(version) -> None:
    """The UPU's four proposals and its margin note, and others' entries; once."""
    from wsis.comments.models import Entry, Support

    if Entry.objects.filter(version=version).exists():
        return
    organisations = {o.acronym: o for o in Organisation.objects.all()}
    upu = organisations["UPU"]
    wording, notes = upu_proposals()
    by_label = {}
    for label, proposed in wording.items():
        by_label[label] = _entry(version, upu, label, "amendment", proposed=proposed)
    for label, note in notes.items():
        # The UPU's own words, as it wrote them in its margin.
        _entry(version, upu, label, "comment", text=note)
    for label, acronyms in UPU_SUPPORTERS.items():
        for acronym in acronyms:
            organisation = organisations[acronym]
            Support.objects.create(
                entry=by_label[label],
                organisation=organisation,
                user=organisation.memberships.get(role=Membership.Role.FOCAL_POINT).user,
            )
    texts = {p.label: p.text for p in version.paragraphs.all()}
    for acronym, label, kind, replace, comment, state in OTHER_ENTRIES:
        proposed = ""
        if replace:
            proposed = texts[label].replace(*replace)
        elif kind == "new_paragraph":
            proposed = ITU_NEW_PARAGRAPH
        _entry(
            version, organisations[acronym], label, kind, text=comment, proposed=proposed,
            state=state,
        )  # fmt: skip


# (acronym, paragraph label, reason, proposed wording or "")
SILENCE_BREAKS = [
    (
        "BRA",
        "26",
        "The list should name persons with disabilities and rural communities, as the "
        "Tunis Agenda does.",
        "",
    ),
    (
        "BRA",
        "44",
        "The paragraph should recall the means of implementation that developing countries "
        "need for digital education.",
        "",
    ),
    (
        "JPN",
        "44",
        "We cannot join consensus on naming particular educational approaches.",
        "We recognise that digitalisation has enabled new ways of providing education and "
        "training at every level.",
    ),
]


def _demo_silence(version, facilitator) -> None:
    """The Zero draft's front page, and a silence on it that ended yesterday, broken on OP 26
    and OP 44: its deadline has passed, so commenting goes on; once."""
    from datetime import date

    from wsis.silence.models import Break, Silence

    if version.silences.exists():
        return
    version.distribution, version.original_language = "limited", "English"
    version.document_date = date(2025, 8, 29)
    now = timezone.now()
    deadline = now - timedelta(days=1)
    version.silence_until = deadline
    version.save(
        update_fields=["distribution", "original_language", "document_date", "silence_until"]
    )
    silence = Silence.objects.create(
        version=version, deadline=deadline, started=deadline - timedelta(hours=72),
        started_by=facilitator,
    )  # fmt: skip
    record("silence.started", silence, actor=facilitator, demo=True)
    for acronym, label, reason, proposal in SILENCE_BREAKS:
        organisation = Organisation.objects.get(acronym=acronym)
        focal = organisation.memberships.get(role=Membership.Role.FOCAL_POINT)
        broken = Break.objects.create(
            silence=silence, paragraph=version.paragraphs.get(label=label),
            organisation=organisation, author=focal.user, reason=reason, proposal=proposal,
        )  # fmt: skip
        record("silence.broken", broken, actor=focal.user, organisation=organisation, demo=True)
