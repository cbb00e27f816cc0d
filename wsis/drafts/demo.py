"""The WSIS+20 demo: the zero draft, organisations of every group, their people, a facilitator.

Every step is get-or-create, so running it twice changes nothing.
"""

from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

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
FACILITATOR_MODELS = [
    "consultation", "version", "section", "paragraph", "commentround", "deadlineextension",
    "organisation", "membership", "entry", "support", "reportjob",
]  # fmt: skip


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
    if not facilitator.is_staff:
        facilitator.is_staff = True
        facilitator.save(update_fields=["is_staff"])
        facilitator.user_permissions.set(
            Permission.objects.filter(content_type__model__in=FACILITATOR_MODELS)
        )
    consultation.facilitators.add(facilitator)
    sign_ins.append((facilitator.username, "facilitator (co-facilitators' secretariat)"))

    groups = {g.code: g for g in StakeholderGroup.objects.all()}
    for code, name, acronym, country, website in ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(
            acronym=acronym,
            defaults={"name": name, "group": groups[code], "country": country, "website": website},
        )
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
    return sign_ins
