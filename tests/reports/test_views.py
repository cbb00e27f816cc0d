"""Every reports URL for every persona; asking, reusing, downloading."""

import pytest
from django.urls import reverse

from wsis.audit.models import AuditEvent
from wsis.drafts.models import Consultation, Version
from wsis.reports.models import ReportJob

PERSONAS = ["anonymous", "delegate_a", "focal_a", "delegate_b", "facilitator"]


@pytest.fixture
def no_broker():
    """A broker nobody listens on: asking must still work, and say so."""
    from wsis.celery import app

    def use(url, transport):
        # With no broker configured the transport is named apart from the URL (wsis/broker.py).
        app.conf.broker_url, app.conf.broker_transport = url, transport
        app._after_fork()  # drop the connection and producer pools built for the old URL

    previous = app.conf.broker_url, app.conf.broker_transport
    use("redis://127.0.0.1:1/0", None)
    yield
    use(*previous)


def index_url(version):
    return reverse("reports:index", args=[version.consultation.slug, version.label])


def ask_url(version):
    return reverse("reports:ask", args=[version.consultation.slug, version.label])


def make_job(version, user, **fields):
    fields.setdefault("kind", ReportJob.Kind.COMPILATION)
    return ReportJob.objects.create(
        requested_by=user, version=version, input_hash="x" * 64, **fields
    )


def finished(job, content=b"%PDF-1.7 test"):
    job.path.parent.mkdir(parents=True, exist_ok=True)
    job.path.write_bytes(content)
    job.finish(len(content), 1)
    return job


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 302),
        ("delegate_a", 403),
        ("focal_a", 200),
        ("delegate_b", 403),
        ("facilitator", 200),
    ],
)
def test_its_index_admits_facilitators_and_focal_points(request, version, persona, status):
    client = request.getfixturevalue(persona)
    response = client.get(index_url(version))
    assert response.status_code == status
    if persona == "anonymous":
        assert response["Location"].startswith("/signin/")


def test_its_index_offers_a_focal_point_their_submission_only(version, focal_a):
    page = focal_a.get(index_url(version)).content.decode()
    assert "Our submission" in page
    assert "Consolidated compilation" not in page
    assert 'name="organisation"' not in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_asking_refuses_get(request, version, persona):
    client = request.getfixturevalue(persona)
    assert client.get(ask_url(version)).status_code == 405


@pytest.mark.parametrize(
    "persona,data,status",
    [
        ("anonymous", {"kind": "compilation", "format": "pdf"}, 302),
        ("delegate_a", {"kind": "submission", "format": "pdf"}, 403),
        ("delegate_b", {"kind": "submission", "format": "pdf"}, 403),
        ("focal_a", {"kind": "compilation", "format": "pdf"}, 400),
    ],
)
def test_asking_refuses_who_may_not(request, version, persona, data, status):
    client = request.getfixturevalue(persona)
    assert client.post(ask_url(version), data).status_code == status
    assert not ReportJob.objects.exists()


def test_a_focal_point_asks_for_their_submission(version, focal_a, org_a, org_b):
    # Even naming another organisation, they get their own.
    data = {"kind": "submission", "format": "docx", "organisation": org_b.pk}
    response = focal_a.post(ask_url(version), data)
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:job", args=[job.pk])
    assert (job.kind, job.format, job.organisation, job.requested_by) == (
        "submission",
        "docx",
        org_a,
        focal_a.user,
    )
    assert job.state == "queued" and job.input_hash
    assert AuditEvent.objects.filter(action="report.asked").count() == 1


def test_a_facilitator_asks_with_options(version, facilitator):
    data = {
        "kind": "compilation",
        "format": "pdf",
        "with_pending": "on",
        "groups": ["member_state", "civil_society"],
        "first_section": "2",
        "last_section": "3",
    }
    facilitator.post(ask_url(version), data)
    job = ReportJob.objects.get()
    assert job.options == {
        "with_pending": True,
        "groups": ["civil_society", "member_state"],
        "first_section": 2,
        "last_section": 3,
        "with_decisions": False,
    }
    assert job.enqueued is not None


def test_asking_with_bad_input_explains_and_keeps_the_choices(version, facilitator):
    data = {"kind": "submission", "format": "csv", "first_section": "3", "last_section": "2"}
    response = facilitator.post(ask_url(version), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "This report comes as DOCX or PDF." in page
    assert "Choose the organisation whose submission you want." in page
    assert "The last section comes before the first." in page
    assert 'value="3" selected' in page
    assert not ReportJob.objects.exists()


def test_identical_inputs_are_served_at_once(version, facilitator):
    data = {"kind": "entries", "format": "csv", "with_decisions": "on"}
    first = facilitator.post(ask_url(version), data)
    job = ReportJob.objects.get()
    finished(job)
    second = facilitator.post(ask_url(version), data, follow=True)
    assert ReportJob.objects.count() == 1
    assert first["Location"] == second.redirect_chain[0][0]
    assert "An identical report was already asked for" in second.content.decode()
    assert "Download" in second.content.decode()


def test_a_report_with_pending_entries_is_not_served_for_one_without(version, facilitator):
    data = {"kind": "compilation", "format": "pdf", "with_decisions": "on", "with_pending": "on"}
    facilitator.post(ask_url(version), data)
    finished(ReportJob.objects.get())
    del data["with_pending"]
    facilitator.post(ask_url(version), data)
    with_pending, published_only = ReportJob.objects.order_by("pk")
    assert (with_pending.options["with_pending"], published_only.options["with_pending"]) == (
        True,
        False,
    )
    assert with_pending.input_hash != published_only.input_hash


def test_a_down_broker_keeps_the_job_and_says_so(version, facilitator, no_broker):
    response = facilitator.post(ask_url(version), {"kind": "entries", "format": "csv"}, follow=True)
    job = ReportJob.objects.get()
    assert job.state == "queued" and job.enqueued is None
    assert "cannot be reached right now" in response.content.decode()


@pytest.mark.parametrize(
    "persona,compilation,own_submission,other_submission",
    [
        ("anonymous", 302, 302, 302),
        ("delegate_a", 403, 403, 403),
        ("focal_a", 403, 200, 403),
        ("delegate_b", 403, 403, 403),
        ("facilitator", 200, 200, 200),
    ],
)
@pytest.mark.parametrize("view", ["reports:job", "reports:download"])
def test_jobs_and_downloads_follow_the_same_access_rules(
    request,
    version,
    org_a,
    org_b,
    facilitator,
    persona,
    compilation,
    own_submission,
    other_submission,
    view,
):
    jobs = [
        finished(make_job(version, facilitator.user)),
        finished(make_job(version, facilitator.user, kind="submission", organisation=org_a)),
        finished(make_job(version, facilitator.user, kind="submission", organisation=org_b)),
    ]
    client = request.getfixturevalue(persona)
    statuses = [client.get(reverse(view, args=[job.pk])).status_code for job in jobs]
    assert statuses == [compilation, own_submission, other_submission]


def test_the_download_is_the_file_as_an_attachment(version, facilitator):
    job = finished(make_job(version, facilitator.user), b"%PDF-1.7 the file")
    response = facilitator.get(reverse("reports:download", args=[job.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.7 the file"
    assert 'filename="wsis20-zero-draft-compilation.pdf"' in response["Content-Disposition"]


def test_an_unfinished_job_has_no_download(version, facilitator):
    job = make_job(version, facilitator.user)
    assert facilitator.get(reverse("reports:download", args=[job.pk])).status_code == 404


def test_the_job_page_polls_until_done(version, facilitator):
    job = make_job(version, facilitator.user, enqueued="2026-01-01T00:00Z")
    url = reverse("reports:job", args=[job.pk])
    page = facilitator.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page
    fragment = facilitator.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.strip().startswith('<div id="report-status"')
    finished(job)
    fragment = facilitator.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment
    assert reverse("reports:download", args=[job.pk]) in fragment


def test_a_failed_job_shows_its_error(version, facilitator):
    job = make_job(version, facilitator.user)
    job.fail("WeasyPrint exploded")
    page = facilitator.get(reverse("reports:job", args=[job.pk])).content.decode()
    assert "WeasyPrint exploded" in page and "hx-trigger" not in page


def test_the_index_lists_past_reports_with_date_and_size(version, facilitator, focal_a, org_a):
    finished(make_job(version, facilitator.user), b"x" * 2048)
    finished(make_job(version, facilitator.user, kind="submission", organisation=org_a))
    page = facilitator.get(index_url(version)).content.decode()
    assert "2.0\xa0KB" in page and page.count("reports/job/") >= 2
    own = focal_a.get(index_url(version)).content.decode()
    assert own.count("/download/") == 1


@pytest.mark.parametrize("persona,status", [("anonymous", 302), ("facilitator", 302)])
def test_the_nav_link_leads_to_the_current_version(request, version, persona, status):
    response = request.getfixturevalue(persona).get(reverse("reports:home"))
    assert response.status_code == status
    if persona == "facilitator":
        assert response["Location"] == index_url(version)


@pytest.mark.parametrize("persona", ["facilitator", "focal_a"])
def test_the_nav_link_says_so_when_there_is_no_draft(request, consultation, persona):
    response = request.getfixturevalue(persona).get(reverse("reports:home"))
    assert response.status_code == 200
    assert "There is no draft to compile yet" in response.content.decode()


def test_the_nav_link_skips_a_newer_consultation_with_no_draft(facilitator, version):
    Consultation.objects.create(slug="wsis30", title="WSIS+30 review")
    response = facilitator.get(reverse("reports:home"))
    assert response["Location"] == index_url(version)


def test_a_download_is_private_and_not_stored(version, facilitator):
    job = finished(make_job(version, facilitator.user))
    response = facilitator.get(reverse("reports:download", args=[job.pk]))
    assert response.status_code == 200
    assert {"private", "no-store"} <= {p.strip() for p in response["Cache-Control"].split(",")}


def _rev1(version, status):
    return Version.objects.create(
        consultation=version.consultation, label="Rev.1", order=version.order + 1, status=status
    )


def switcher(response):
    return [v.label for v in response.context["versions"]]


def test_its_index_switches_between_the_versions_one_may_see(version, facilitator, focal_a):
    rev1 = _rev1(version, Version.Status.OPEN)
    for client in (facilitator, focal_a):
        older = client.get(index_url(version))
        assert switcher(older) == ["Zero draft", "Rev.1"]
        assert f'href="{index_url(rev1)}"' in older.content.decode()
        current = client.get(index_url(rev1))
        assert current.context["version"] == rev1
        assert f'href="{index_url(version)}"' in current.content.decode()


def test_a_version_in_preparation_is_offered_to_facilitators_only(version, facilitator, focal_a):
    rev1 = _rev1(version, Version.Status.PREPARING)
    assert switcher(facilitator.get(index_url(version))) == ["Zero draft", "Rev.1"]
    assert switcher(focal_a.get(index_url(version))) == ["Zero draft"]
    assert focal_a.get(index_url(rev1)).status_code == 404
