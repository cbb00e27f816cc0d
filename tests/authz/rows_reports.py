"""Reports: facilitators ask for and download any report; a focal point only their own
organisation's submission; delegates nothing."""

from tests.authz.matrix import PERSONAS, SECOND_FACTOR_FIRST, Row, everyone, facilitators_only
from wsis.reports.models import ReportJob

# focal_a may compile Kenya's submission; B's report jobs are not theirs. A facilitator
# without the second factor is sent to confirm one.
OWN_SCOPE = dict.fromkeys(PERSONAS, 403) | {
    "anonymous": 302, "focal_a": 200, "facilitator": 200,
    "unverified_facilitator": SECOND_FACTOR_FIRST,
}  # fmt: skip


def build(world, request):
    settings = request.getfixturevalue("settings")
    settings.MEDIA_ROOT = str(request.getfixturevalue("tmp_path"))
    author = request.getfixturevalue("facilitator").user
    job = ReportJob.objects.create(
        requested_by=author,
        version=world.version,
        organisation=world.org_b,
        kind=ReportJob.Kind.SUBMISSION,
        format=ReportJob.Format.CSV,
        input_hash="f" * 64,
    )
    job.path.parent.mkdir(parents=True, exist_ok=True)
    job.path.write_text("paragraph,organisation\n")
    job.finish(size=23, pages=None)
    world.extra["job_b"] = job
    # The UPU's ledger as its members read it (what facilitators hid left out).
    ledger = ReportJob.objects.create(
        requested_by=request.getfixturevalue("delegate_b").user,
        version=world.version,
        organisation=world.org_b,
        kind=ReportJob.Kind.LEDGER,
        options={"with_hidden": False},
        input_hash="e" * 64,
    )
    ledger.path.parent.mkdir(parents=True, exist_ok=True)
    ledger.path.write_bytes(b"%PDF-1.7 ledger")
    ledger.finish(size=15, pages=1)
    world.extra["ledger_b"] = ledger


def on_version(world):
    return [world.consultation.slug, world.version.label]


def on_job(world):
    return [world.extra["job_b"].pk]


def on_ledger(world):
    return [world.extra["ledger_b"].pk]


LEDGER_READERS = dict.fromkeys(PERSONAS, 403) | {
    "anonymous": 302, "delegate_b": 200, "facilitator": 200,
    "unverified_facilitator": SECOND_FACTOR_FIRST,
}  # fmt: skip


ROWS = [
    # The nav link sends everyone signed in on to the current version's page, which decides.
    Row("reports:home", dict.fromkeys(PERSONAS, 302)),
    Row("reports:index", OWN_SCOPE, args=on_version),
    # A focal point may not ask for all entries: the form refuses it.
    Row(
        "reports:ask",
        OWN_SCOPE | {"focal_a": 400, "facilitator": 302},
        args=on_version,
        method="POST",
        data=lambda w: {"kind": "entries", "format": "csv", "with_decisions": "on"},
    ),
    Row("reports:job", OWN_SCOPE | {"focal_a": 403}, args=on_job),
    Row("reports:download", OWN_SCOPE | {"focal_a": 403}, args=on_job),
    # The UPU's ledger: asked for, read and downloaded by whoever may read its ledger page (its
    # members, delegates too, and the consultation's facilitators), as the ledger page is.
    Row(
        "reports:ask_ledger",
        LEDGER_READERS | {"delegate_b": 302, "facilitator": 302},
        args=lambda w: [w.consultation.slug, w.org_b.acronym],
        method="POST",
    ),
    # The rolling text as a file: for everyone who takes part (signing in first); with the
    # proposals pending moderation, for the facilitators.
    Row(
        "reports:ask_rolling",
        everyone(302),
        args=on_version,
        method="POST",
        data=lambda w: {"format": "docx"},
    ),
    Row(
        "reports:ask_rolling",
        facilitators_only(302),
        args=on_version,
        method="POST",
        data=lambda w: {"format": "pdf", "with_pending": "1"},
        note="pending",
    ),
    Row("reports:job", LEDGER_READERS, args=on_ledger, note="ledger"),
    Row("reports:download", LEDGER_READERS, args=on_ledger, note="ledger"),
]
