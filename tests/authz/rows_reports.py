"""Reports: facilitators ask for and download any report; a focal point only their own
organisation's submission; delegates nothing."""

from tests.authz.matrix import PERSONAS, SECOND_FACTOR_FIRST, Row
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


def on_version(world):
    return [world.consultation.slug, world.version.label]


def on_job(world):
    return [world.extra["job_b"].pk]


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
]
