"""200 simulated delegates in the last minutes before a deadline, against gunicorn.

Each reads the draft, opens a paragraph's panel, saves a comment and reads the API; focal
points also submit the comment they saved. Then the database is counted: every save that
answered "saved" is there once, none twice, and every submission that answered is submitted.

Two runs on the same server, one after the other:
- ``load.*``: all 200 delegates send their first request in the same millisecond, and as
  every delegate then thinks exactly THINK_SECONDS, the waves stay bunched for a while (the
  scenario of earlier figures);
- ``load.ramped.*``: the same 200 delegates, the same steps and think time, but arriving over
  the first RAMP_SECONDS (one think time) as people do, so that the server sees their
  steady rate rather than the start-up burst.
"""

from django.core.management import call_command

from bench.server import gunicorn, load
from bench.timing import figure
from wsis.comments.models import Entry
from wsis.drafts.demo import PASSWORD
from wsis.drafts.models import Paragraph
from wsis.stakeholders.models import Membership

SECONDS = 30
CONCURRENCY = 200
# Between two actions a delegate reads or types for a few seconds, even minutes before a
# deadline; 200 delegates then ask about 200 / (THINK_SECONDS + latency) pages a second.
THINK_SECONDS = 3.0
RAMP_SECONDS = THINK_SECONDS
API = "/api/v1/consultations/wsis20/versions/Zero%20draft"
MARK = "load-test comment"


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


def _figures(prefix: str, result: dict, mark: str, **extra) -> dict:
    saved = result["saved_by_step"].get("save comment", 0)
    submits = result["saved_by_step"].get("submit", 0)
    marked = Entry.objects.filter(text__startswith=mark + " ")
    stored = marked.count()
    distinct = marked.values("text").distinct().count()
    submitted = marked.filter(status=Entry.Status.SUBMITTED).count()
    return {
        f"{prefix}.requests": figure(result["requests"], "requests", **extra),
        f"{prefix}.throughput": figure(result["throughput_rps"], "requests/s", **extra),
        f"{prefix}.p50": figure(result["p50_ms"], "ms", **extra),
        f"{prefix}.p95": figure(result["p95_ms"], "ms", **extra, target="< 250 ms"),
        f"{prefix}.p99": figure(result["p99_ms"], "ms", **extra),
        f"{prefix}.errors": figure(result["errors"], "errors", samples=result["error_samples"]),
        f"{prefix}.saves_answered": figure(saved, "entries"),
        f"{prefix}.saves_lost": figure(saved - stored, "entries"),
        f"{prefix}.saves_duplicated": figure(stored - distinct, "entries"),
        f"{prefix}.submits_answered": figure(submits, "entries"),
        f"{prefix}.submits_lost": figure(submits - submitted, "entries"),
        f"{prefix}.p95_by_step": figure(result["by_step_p95_ms"], "ms"),
        f"{prefix}.median_by_step": figure(result["by_step_median_ms"], "ms"),
    }


def run() -> dict:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    users = list(Membership.objects.values_list("user__username", flat=True))
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
        "server": "gunicorn 4x4 gthread",
    }
    figures = {}
    with gunicorn(workers=4, threads=4) as base:
        for prefix, mark, ramp in (
            ("load", MARK + " [synchronized start]", 0.0),
            ("load.ramped", MARK + " [ramped start]", RAMP_SECONDS),
        ):
            result = load(
                {
                    "base": base,
                    "users": users,
                    "focal_users": focal_users,
                    "password": PASSWORD,
                    "concurrency": CONCURRENCY,
                    "seconds": SECONDS,
                    "think_seconds": THINK_SECONDS,
                    "ramp_seconds": ramp,
                    "scenario": scenario(paragraph.pk, mark),
                }
            )
            figures |= _figures(prefix, result, mark, **extra, ramp_seconds=ramp)
    return figures
