"""Compiling the zero draft with 5,000 proposals: time, pages, peak memory; WeasyPrint alone.

- ``reports.compilation_5000.total``: ``compile_report`` in a fresh process, as a worker runs it
  (queries, templates, WeasyPrint, the atomic write), with that process's peak memory;
- ``reports.compilation_5000.weasyprint_only``: WeasyPrint on the same HTML in one go, nothing
  else (the project lays out 5,000 proposals in parts of at most REPORT_PART_PARAGRAPHS
  paragraphs and merges them, which keeps the memory down; one layout of the whole held more
  than 1 GB);
- ``reports.compilation_5000.overhead_ratio``: the first over the second (target at most 1.1);
- ``reports.compilation_5000.one_worker`` and ``two_workers``: one, then two real Celery worker
  processes rendering the same compilation through the same tasks (its parts, then the merge),
  from asking to the merged file; ``two_workers_ratio`` is the second over the first (target
  at most 0.55).
"""

import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from bench.scratch import drop_consultations
from bench.timing import figure
from wsis.comments.models import Entry, Support
from wsis.drafts.demo import ZERO_DRAFT
from wsis.drafts.importer import decode, import_draft, parse
from wsis.drafts.models import Consultation
from wsis.embedded import database_url
from wsis.reports.compilation import collect
from wsis.reports.rendering import compilation_html, pdf_pages, write_pdf
from wsis.stakeholders.groups import ensure_groups
from wsis.stakeholders.models import Organisation, StakeholderGroup

PROPOSALS = 5000
ROOT = Path(__file__).resolve().parents[1]
WORDS = "inclusive meaningful affordable secure resilient sustainable open universal".split()


def seed(rng: random.Random):
    from django.contrib.auth import get_user_model

    if not StakeholderGroup.objects.exists():
        ensure_groups(StakeholderGroup)
    consultation = Consultation.objects.create(slug="bench-reports", title="WSIS+20 review")
    version = import_draft(consultation, "Zero draft", parse(decode(ZERO_DRAFT.read_bytes())))
    groups = list(StakeholderGroup.objects.all())
    organisations = [
        Organisation.objects.create(
            name=f"Organisation {i:03d}", acronym=f"B{i:03d}", group=groups[i % len(groups)]
        )
        for i in range(80)
    ]
    author = get_user_model().objects.create_user("bench-author")
    paragraphs = list(version.paragraphs.all())
    decisions = [choice for choice, _label in Entry.Decision.choices]
    now = timezone.now()
    entries = []
    for i in range(PROPOSALS):
        paragraph = paragraphs[i % len(paragraphs)]
        words = paragraph.text.split()
        at = rng.randrange(len(words))
        words[at : at + 2] = [rng.choice(WORDS), words[at]]
        entries.append(
            Entry(
                version=version,
                paragraph=paragraph,
                organisation=organisations[i % len(organisations)],
                author=author,
                kind=Entry.Kind.AMENDMENT,
                proposed_text=" ".join(words),
                text="To reflect the outcome of national consultations on this paragraph.",
                status=Entry.Status.SUBMITTED,
                moderation=Entry.Moderation.PUBLISHED,
                decision=rng.choice(decisions),
                submitted_at=now,
            )
        )
    entries = Entry.objects.bulk_create(entries, batch_size=1000)
    Support.objects.bulk_create(
        Support(entry=entry, organisation=organisations[(i + 7) % 80], user=author)
        for i, entry in enumerate(entries[::5])
    )
    return version


RENDER_ONCE = """
import resource, sys, time, django
django.setup()
from wsis.drafts.models import Version
from wsis.reports.rendering import render
version = Version.objects.get(consultation__slug="bench-reports", label="Zero draft")
start, cpu = time.perf_counter(), time.process_time()
render(sys.argv[1], kind="compilation", fmt="pdf", version=version)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(time.process_time() - cpu, time.perf_counter() - start, usage.ru_maxrss)
"""


def run() -> dict:
    with transaction.atomic():
        version = seed(random.Random(20))
    out = Path(tempfile.mkdtemp()) / "compilation.pdf"
    database = connection.settings_dict
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "wsis.settings",
        "DATABASE_URL": database_url(database),
        # An empty cache of parts: every part laid out.
        "MEDIA_ROOT": str(out.parent / "media"),
    }
    total, peak_mb = one_process(env, out)
    pages = pdf_pages(out)
    # One Celery worker, then two, then two, then one, through the same tasks (parts, then the
    # merge): this host's speed drifts over the minutes these take, and in this order a steady
    # drift weighs on both alike.
    # Each figure is the mean of its two runs.
    runs = {1: [], 2: []}
    for count in (1, 2, 2, 1):
        seconds = workers(version, env, count)
        runs[count].append(seconds)
        print(f"   ({count} worker(s): {seconds:.1f} s)", flush=True)
    one, two = statistics.mean(runs[1]), statistics.mean(runs[2])
    print(f"   (ratio of the means: {two / one:.3f})", flush=True)
    figures = {
        "reports.compilation_5000.total": figure(total, "s", pages=pages, proposals=PROPOSALS),
        "reports.compilation_5000.peak_memory": figure(peak_mb, "MB", limit=1024),
        "reports.compilation_5000.one_worker": figure(
            one, "s", runs=[round(seconds, 1) for seconds in runs[1]]
        ),
        "reports.compilation_5000.two_workers": figure(
            two, "s", runs=[round(seconds, 1) for seconds in runs[2]]
        ),
        "reports.compilation_5000.two_workers_ratio": figure(
            two / one, "ratio", target=0.55, over="one Celery worker through the same tasks"
        ),
    }
    if os.environ.get("BENCH_REPORTS_QUICK"):
        # For iterating on the parallel render: the single and two-worker figures only.
        drop_consultations("bench-reports")
        return figures
    html = compilation_html(collect(version), "compilation")
    start = time.perf_counter()
    write_pdf(html, out.with_suffix(".raw.pdf"))
    weasyprint_only = time.perf_counter() - start
    print(f"   (WeasyPrint alone: {weasyprint_only:.1f} s)", flush=True)
    drop_consultations("bench-reports")
    return figures | {
        "reports.compilation_5000.weasyprint_only": figure(weasyprint_only, "s"),
        "reports.compilation_5000.overhead_ratio": figure(
            total / weasyprint_only, "ratio", target=1.1
        ),
    }


def one_process(env, out: Path) -> tuple[float, float]:
    """``compile_report``'s render in a fresh process, as a worker child runs it: seconds, and
    the process's peak memory in MB (the render's, not the seeding's)."""
    measured = subprocess.run(
        [sys.executable, "-c", RENDER_ONCE, str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    cpu, total, peak_mb = float(measured[-3]), float(measured[-2]), int(measured[-1]) / 1024
    print(f"   (one process: {total:.1f} s, {cpu:.1f} s of CPU, {peak_mb:.0f} MB)", flush=True)
    return total, peak_mb


def workers(version, env, count: int) -> float:
    """Seconds from asking for the compilation to its merged file, rendered by ``count``
    Celery worker processes (one task at a time each)."""
    from django.contrib.auth import get_user_model

    from tests.workers import launch_worker
    from wsis.celery import app
    from wsis.reports.models import ReportJob
    from wsis.reports.tasks import enqueue

    media = Path(tempfile.mkdtemp())
    env = env | {"MEDIA_ROOT": str(media), "REPORT_SPLIT_MIN_ENTRIES": "1", "LOG_LEVEL": "WARNING"}
    app.control.purge()
    workers = []
    try:
        for i in range(count):
            # Each returns once its worker consumes: the clock starts with all of them ready.
            workers.append(launch_worker(media, name=f"bench{i}", loglevel="INFO", env=env))
        job = ReportJob.objects.create(
            requested_by=get_user_model().objects.get(username="bench-author"),
            version=version,
            kind="compilation",
            format="pdf",
            input_hash="bench",
        )
        start = time.perf_counter()
        enqueue(job)
        while job.state not in ("done", "failed"):
            time.sleep(0.1)  # the figure is to within this
            job.refresh_from_db()
        elapsed = time.perf_counter() - start
        if job.state == "failed":
            raise RuntimeError(job.error)
    finally:
        # A warm shutdown: a task still running (the merge letting go of its scratch files,
        # logging its time) ends first.
        for worker in workers:
            worker.stop(60)
        app.control.purge()
    for i, worker in enumerate(workers):
        print_tasks(worker.log_path, f"worker {i}")
    return elapsed


CPU_USED = re.compile(r"INFO/\S+\] (?P<what>(Part|Merged) .*s of CPU.*)$")
TASK_DONE = re.compile(
    r"^\[(?P<at>[\d\- :,]+): INFO/\S+\] Task wsis\.reports\.tasks\.(?P<task>\w+)\[[-\w]+\] "
    r"succeeded in (?P<seconds>[\d.]+)s"
)


def print_tasks(log: Path, worker: str) -> None:
    """Where a worker's time went: each task it ran, when it ended and how long it took."""
    for line in log.read_text().splitlines():
        used = CPU_USED.search(line)
        if used:
            print(f"   ({worker}: {used['what']})")
        found = TASK_DONE.match(line)
        if found:
            at = found["at"].split(" ")[-1]
            print(
                f"   ({worker}: {found['task']} ended {at}, took {float(found['seconds']):.1f} s)"
            )
