"""Delegates in the last hour before a deadline, against gunicorn as production runs it
(uvicorn workers on ``wsis.asgi``, production settings).

Each reads the draft, opens a paragraph's panel, saves a comment and reads the API; focal
points also submit the comment they saved. Then the database is counted: every save that
answered "saved" is there once, none twice, and every submission that answered is submitted.

On the same server, one after the other:
- ``load.*``: 200 delegates (the demo's accounts) send their first request in the same
  millisecond, and as every delegate then thinks exactly THINK_SECONDS, the waves stay bunched
  for a while (the scenario of earlier figures);
- ``load.ramped.*``: the same 200 delegates, the same steps and think time, but arriving over
  the first RAMP_SECONDS (one think time) as people do, so that the server sees their steady
  rate rather than the start-up burst;
- ``load.capacity_delegates``: the capacity. The same steps and think time for more and more
  delegates (LEVELS; members of CAPACITY_ORGANISATIONS organisations, as 193 Member States and
  a few hundred stakeholders would be), each level arriving over LEVEL_RAMP_SECONDS and run for
  LEVEL_SECONDS; the largest level served with p95 within P95_LIMIT_MS, no error, no save lost
  or duplicated and no submission lost. The search stops at the first level that fails. Each
  level also reports what the load generator cost itself (its share of a core and how late its
  event loop woke): when that is high, the generator, not the server, was the limit.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command

from bench.server import gunicorn, load, signed_in
from bench.timing import figure
from wsis.comments.models import Entry
from wsis.drafts.models import Consultation, Paragraph
from wsis.stakeholders.models import Accreditation, Membership, Organisation, StakeholderGroup

SECONDS = 30
CONCURRENCY = 200
# Between two actions a delegate reads or types for a few seconds, even minutes before a
# deadline; 200 delegates then ask about 200 / (THINK_SECONDS + latency) pages a second.
THINK_SECONDS = 3.0
RAMP_SECONDS = THINK_SECONDS
API = "/api/v1/consultations/wsis20/versions/Zero%20draft"
MARK = "load-test comment"
# Production's server (Dockerfile: gunicorn with uvicorn workers), sized for two cores.
WORKERS = 4
SERVER = f"gunicorn {WORKERS} uvicorn workers (wsis.asgi), production settings"
# The capacity search.
LEVELS = (100, 150, 200, 300, 400, 600, 800, 1000, 1200, 1400, 1600, 2000)
LEVEL_RAMP_SECONDS = 10
LEVEL_SECONDS = 20
P95_LIMIT_MS = 250
CAPACITY_ORGANISATIONS = 400
PEOPLE_PER_ORGANISATION = 3  # a focal point and two delegates


def scenario(paragraph_pk: int, mark: str = MARK) -> list[dict]:
    return [
        {"label": "reader", "path": "/c/wsis20/"},
        {"label": "panel", "path": f"/entries/p/{paragraph_pk}/"},
        {
            "label": "save comment",
            "path": f"/entries/p/{paragraph_pk}/new/",
            "method": "POST",
            "data": {"kind": "comment", "text": mark + " {i}-{n}", "form_token": "{uuid}"},
            "capture": "saved",
        },
        {
            # A focal point submits what they just saved (their organisation's draft).
            "label": "submit",
            "path": "/entries/{saved}/submit/",
            "method": "POST",
            "data": {},
            "only": "focal",
        },
        {"label": "paragraph api", "path": f"{API}/paragraphs/OP26/"},
    ]


def _counted(result: dict, mark: str) -> dict:
    """What the database holds of the saves and submissions that answered."""
    saved = result["saved_by_step"].get("save comment", 0)
    submits = result["saved_by_step"].get("submit", 0)
    marked = Entry.objects.filter(text__startswith=mark + " ")
    stored = marked.count()
    distinct = marked.values("text").distinct().count()
    submitted = marked.filter(status=Entry.Status.SUBMITTED).count()
    return {
        "saves_answered": saved,
        "saves_lost": saved - stored,
        "saves_duplicated": stored - distinct,
        "submits_answered": submits,
        "submits_lost": submits - submitted,
    }


def _figures(prefix: str, result: dict, mark: str, **extra) -> dict:
    counted = _counted(result, mark)
    return {
        f"{prefix}.requests": figure(result["requests"], "requests", **extra),
        f"{prefix}.throughput": figure(result["throughput_rps"], "requests/s", **extra),
        f"{prefix}.p50": figure(result["p50_ms"], "ms", **extra),
        f"{prefix}.p95": figure(result["p95_ms"], "ms", **extra, target="< 250 ms"),
        f"{prefix}.p99": figure(result["p99_ms"], "ms", **extra),
        f"{prefix}.errors": figure(result["errors"], "errors", samples=result["error_samples"]),
        f"{prefix}.saves_answered": figure(counted["saves_answered"], "entries"),
        f"{prefix}.saves_lost": figure(counted["saves_lost"], "entries"),
        f"{prefix}.saves_duplicated": figure(counted["saves_duplicated"], "entries"),
        f"{prefix}.submits_answered": figure(counted["submits_answered"], "entries"),
        f"{prefix}.submits_lost": figure(counted["submits_lost"], "entries"),
        f"{prefix}.p95_by_step": figure(result["by_step_p95_ms"], "ms"),
        f"{prefix}.median_by_step": figure(result["by_step_median_ms"], "ms"),
        f"{prefix}.generator": figure(result["generator"], "load generator"),
    }


def _capacity_people() -> tuple[list, list[str]]:
    """CAPACITY_ORGANISATIONS organisations accredited to the consultation, each with a focal
    point and delegates; their users, and the focal points' usernames."""
    consultation = Consultation.objects.get(slug="wsis20")
    groups = list(StakeholderGroup.objects.all())
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Capacity {n}", acronym=f"CAP{n}", group=groups[n % len(groups)])
        for n in range(CAPACITY_ORGANISATIONS)
    )
    Accreditation.objects.bulk_create(
        Accreditation(organisation=o, consultation=consultation) for o in organisations
    )
    password = make_password(None)  # signed in by session only (``signed_in``)
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"capacity{n}.{i}", password=password)
        for n in range(CAPACITY_ORGANISATIONS)
        for i in range(PEOPLE_PER_ORGANISATION)
    )
    memberships = Membership.objects.bulk_create(
        Membership(
            user=user,
            organisation=organisations[n // PEOPLE_PER_ORGANISATION],
            role=Membership.Role.FOCAL_POINT
            if n % PEOPLE_PER_ORGANISATION == 0
            else Membership.Role.DELEGATE,
        )
        for n, user in enumerate(users)
    )
    focal = [m.user.username for m in memberships if m.role == Membership.Role.FOCAL_POINT]
    return users, focal


def _capacity(base: str, paragraph_pk: int) -> dict:
    users, focal = _capacity_people()
    sessions = signed_in(users)
    levels = []
    for delegates in LEVELS:
        mark = f"{MARK} [capacity {delegates}]"
        result = load(
            {
                "base": base,
                "sessions": sessions,
                "focal_users": focal,
                "concurrency": delegates,
                "seconds": LEVEL_SECONDS,
                "think_seconds": THINK_SECONDS,
                "ramp_seconds": LEVEL_RAMP_SECONDS,
                "scenario": scenario(paragraph_pk, mark),
            }
        )
        counted = _counted(result, mark)
        served = (
            result["p95_ms"] is not None
            and result["p95_ms"] <= P95_LIMIT_MS
            and result["errors"] == 0
            and counted["saves_lost"] == counted["saves_duplicated"] == 0
            and counted["submits_lost"] == 0
        )
        levels.append(
            {
                "delegates": delegates,
                "served": served,
                "throughput_rps": result["throughput_rps"],
                "p50_ms": result["p50_ms"],
                "p95_ms": result["p95_ms"],
                "errors": result["errors"],
                "error_samples": result["error_samples"][:3],
                "p95_by_step_ms": result["by_step_p95_ms"],
                "generator": result["generator"],
            }
            | counted
        )
        print(f"   capacity: {levels[-1]}", flush=True)
        if not served:
            break
    capacity = max((level["delegates"] for level in levels if level["served"]), default=0)
    return {
        "load.capacity_delegates": figure(
            capacity,
            "delegates",
            goal=1000,
            p95_limit_ms=P95_LIMIT_MS,
            think_seconds=THINK_SECONDS,
            ramp_seconds=LEVEL_RAMP_SECONDS,
            seconds=LEVEL_SECONDS,
            organisations=CAPACITY_ORGANISATIONS,
            accounts=len(users),
            server=SERVER,
            levels=levels,
        )  # fmt: skip
    }


def run() -> dict:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    people = get_user_model().objects.filter(memberships__isnull=False).distinct()
    focal_users = list(
        Membership.objects.filter(role=Membership.Role.FOCAL_POINT).values_list(
            "user__username", flat=True
        )
    )
    paragraph = Paragraph.objects.get(version__consultation__slug="wsis20", label="29")
    extra = {
        "concurrency": CONCURRENCY,
        "seconds": SECONDS,
        "think_seconds": THINK_SECONDS,
        "server": SERVER,
    }
    figures = {}
    with gunicorn(workers=WORKERS, asgi=True) as base:
        sessions = signed_in(people)
        for prefix, mark, ramp in (
            ("load", MARK + " [synchronized start]", 0.0),
            ("load.ramped", MARK + " [ramped start]", RAMP_SECONDS),
        ):
            result = load(
                {
                    "base": base,
                    "sessions": sessions,
                    "focal_users": focal_users,
                    "concurrency": CONCURRENCY,
                    "seconds": SECONDS,
                    "think_seconds": THINK_SECONDS,
                    "ramp_seconds": ramp,
                    "scenario": scenario(paragraph.pk, mark),
                }
            )
            figures |= _figures(prefix, result, mark, **extra, ramp_seconds=ramp)
        figures |= _capacity(base, paragraph.pk)
    return figures
