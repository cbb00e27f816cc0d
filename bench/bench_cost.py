"""What one request of each step of the load benchmark's scenario costs the machine in
processor time (web server, PostgreSQL and Redis together), measured one delegate at a time
against the same server as ``bench_load``. Processor time, unlike latency, hardly depends on
what else runs on a shared machine, so this is the figure that shows whether a change made a
request cheaper; the capacity of two cores is about 2,000 ms divided by it, per second."""

import os
import time
from unittest.mock import patch

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils.crypto import get_random_string

from bench.bench_load import scenario
from bench.cpu import serving_seconds
from bench.server import gunicorn, load, signed_in
from bench.timing import figure
from wsis.comments.models import Entry
from wsis.drafts.models import Paragraph
from wsis.stakeholders.models import Membership

SECONDS = 8
MARK = "cost comment"
STEPS = ("reader", "panel", "paragraph api", "save comment")


def _cost(base: str, config: dict) -> dict:
    mark = base.removeprefix("http://")
    before = serving_seconds(mark)
    result = load(config)
    after = serving_seconds(mark)
    requests = result["requests"]
    return {part: round((after[part] - before[part]) * 1000 / requests, 2) for part in before} | {
        "requests": requests,
        "errors": result["errors"],
    }


def _with_csrf(sessions: list) -> list:
    """The sessions with the CSRF cookie that a page read before would have set, so that a
    save can be measured alone."""
    return [(name, cookies | {"csrftoken": get_random_string(32)}) for name, cookies in sessions]


def run() -> dict:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    focal = Membership.objects.filter(role=Membership.Role.FOCAL_POINT).select_related("user")
    delegates = get_user_model().objects.filter(memberships__role=Membership.Role.DELEGATE)
    paragraph = Paragraph.objects.get(version__consultation__slug="wsis20", label="29")
    steps = {step["label"]: step for step in scenario(paragraph.pk, MARK)}
    costs = {}
    hello = {"label": "hello", "path": "/bench-hello/"}
    # One person saves here without pause, hundreds of times: their allowance of drafts
    # (DRAFTS_PER_HOUR) would answer most of it with 429s, which cost less than a save.
    unlimited = {"DRAFTS_PER_HOUR": "1000000", "DRAFTS_PER_DAY": "1000000"}
    with (
        patch.dict(os.environ, unlimited),
        gunicorn(workers=4, settings="bench.plain_settings", asgi=True) as base,
    ):
        sessions = _with_csrf(signed_in(list(delegates)[:4]))
        focal_sessions = _with_csrf(signed_in([m.user for m in focal][:4]))
        runs = {label: ([steps[label]], sessions, ()) for label in STEPS}
        runs["hello world"] = ([hello], sessions, ())
        runs["anonymous hello world"] = ([hello], [("", {})], ())
        runs["anonymous reader"] = ([steps["reader"]], [("", {})], ())
        # A focal point's save and submission, one after the other (a submission needs a
        # draft of its own); the submission's cost is the pair's less the save's, below.
        runs["save and submit"] = (
            [steps["save comment"], steps["submit"]],
            focal_sessions,
            [username for username, _ in focal_sessions],
        )
        for label, (steps_run, people, focal_users) in runs.items():
            config = {
                "base": base,
                "sessions": people,
                "focal_users": list(focal_users),
                "concurrency": 2,
                "seconds": SECONDS,
                "think_seconds": 0.0,
                "scenario": steps_run,
            }
            load(config | {"seconds": 1})  # warm the workers' caches and connections
            time.sleep(0.5)  # let the warm-up's last connections close before counting
            costs[label] = _cost(base, config)
            print(f"   {label}: {costs[label]}", flush=True)
    # Thousands of drafts on one paragraph would weigh on the benchmarks that follow (its
    # panel, the people's allowances): gone once measured.
    Entry.objects.filter(text__startswith=MARK).delete()
    total = {
        label: round(c["server"] + c["postgres"] + c["redis"], 2) for label, c in costs.items()
    }
    total["submit"] = round(2 * total.pop("save and submit") - total["save comment"], 2)
    return {
        "cost.cpu_ms_per_request": figure(
            total,
            "ms of processor time per request (server + PostgreSQL + Redis)",
            parts=costs,
            server="gunicorn 4 uvicorn workers (wsis.asgi), production settings",
        )
    }
