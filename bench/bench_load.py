"""200 simulated delegates in the last minutes before a deadline, against gunicorn.

The scenario grows with the product: today reading the draft and the API; the commenting
flow (opening panels, saving and submitting) is added to SCENARIO as it lands.
"""

from django.core.management import call_command

from bench.server import gunicorn, load
from bench.timing import figure
from wsis.drafts.demo import PASSWORD
from wsis.stakeholders.models import Membership

SECONDS = 30
CONCURRENCY = 200
API = "/api/v1/consultations/wsis20/versions/Zero%20draft"
SCENARIO = [
    {"label": "reader", "path": "/c/wsis20/"},
    {"label": "paragraph api", "path": f"{API}/paragraphs/OP26/"},
]  # fmt: skip


def run() -> dict:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    users = list(Membership.objects.values_list("user__username", flat=True))
    with gunicorn(workers=4, threads=4) as base:
        result = load(
            {
                "base": base,
                "users": users,
                "password": PASSWORD,
                "concurrency": CONCURRENCY,
                "seconds": SECONDS,
                "think_seconds": 0.5,
                "scenario": SCENARIO,
            }
        )
    extra = {"concurrency": CONCURRENCY, "seconds": SECONDS, "server": "gunicorn 4x4 gthread"}
    return {
        "load.requests": figure(result["requests"], "requests", **extra),
        "load.throughput": figure(result["throughput_rps"], "requests/s", **extra),
        "load.p50": figure(result["p50_ms"], "ms", **extra),
        "load.p95": figure(result["p95_ms"], "ms", **extra, target="< 250 ms"),
        "load.p99": figure(result["p99_ms"], "ms", **extra),
        "load.errors": figure(result["errors"], "errors", samples=result["error_samples"]),
        "load.p95_by_step": figure(result["by_step_p95_ms"], "ms"),
    }
