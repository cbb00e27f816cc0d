"""200 simulated delegates in the last minutes before a deadline, against gunicorn.

Each reads the draft, opens a paragraph's panel, saves a comment and reads the API; then the
database is counted: every save that answered "saved" is there once, none twice.
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
API = "/api/v1/consultations/wsis20/versions/Zero%20draft"
MARK = "load-test comment"


def scenario(paragraph_pk: int) -> list[dict]:
    return [
        {"label": "reader", "path": "/c/wsis20/"},
        {"label": "panel", "path": f"/entries/p/{paragraph_pk}/"},
        {
            "label": "save comment",
            "path": f"/entries/p/{paragraph_pk}/new/",
            "method": "POST",
            "data": {"kind": "comment", "text": MARK + " {i}-{n}", "form_token": "{uuid}"},
        },
        {"label": "paragraph api", "path": f"{API}/paragraphs/OP26/"},
    ]


def run() -> dict:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    users = list(Membership.objects.values_list("user__username", flat=True))
    paragraph = Paragraph.objects.get(version__consultation__slug="wsis20", label="29")
    with gunicorn(workers=4, threads=4) as base:
        result = load(
            {
                "base": base,
                "users": users,
                "password": PASSWORD,
                "concurrency": CONCURRENCY,
                "seconds": SECONDS,
                "think_seconds": THINK_SECONDS,
                "scenario": scenario(paragraph.pk),
            }
        )
    extra = {
        "concurrency": CONCURRENCY,
        "seconds": SECONDS,
        "think_seconds": THINK_SECONDS,
        "server": "gunicorn 4x4 gthread",
    }
    stored = Entry.objects.filter(text__startswith=MARK).count()
    distinct = Entry.objects.filter(text__startswith=MARK).values("text").distinct().count()
    return {
        "load.requests": figure(result["requests"], "requests", **extra),
        "load.throughput": figure(result["throughput_rps"], "requests/s", **extra),
        "load.p50": figure(result["p50_ms"], "ms", **extra),
        "load.p95": figure(result["p95_ms"], "ms", **extra, target="< 250 ms"),
        "load.p99": figure(result["p99_ms"], "ms", **extra),
        "load.errors": figure(result["errors"], "errors", samples=result["error_samples"]),
        "load.saves_answered": figure(result["saved"], "entries"),
        "load.saves_lost": figure(result["saved"] - stored, "entries"),
        "load.saves_duplicated": figure(stored - distinct, "entries"),
        "load.p95_by_step": figure(result["by_step_p95_ms"], "ms"),
    }
