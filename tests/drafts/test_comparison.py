"""The comparison's context, shared by the page and the PDF the report worker renders."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tests.drafts.conftest import REV1
from wsis.drafts.comparison import comparison_context, context_for_job
from wsis.drafts.importer import parse
from wsis.drafts.models import Consultation
from wsis.drafts.services import import_revision, publish_version
from wsis.reports.models import ReportJob


@pytest.mark.django_db
def test_versions_out_of_order_are_swapped(published_rev1, version):
    context = comparison_context(published_rev1, version)
    assert (context["old"], context["new"]) == (version, published_rev1)


@pytest.mark.django_db
def test_a_split_part_is_diffed_against_its_own_half(published_rev1, version):
    rows = [r for s in comparison_context(version, published_rev1)["sections"] for r in s["rows"]]
    second = next(r for r in rows if r["new"] and r["new"].label == "12")
    assert second["kind"] == "split"
    assert "<del>them</del>" in second["diff"] and "<ins>these divides</ins>" in second["diff"]
    assert "exacerbated by new technological developments" not in second["diff"]


@pytest.mark.django_db
def test_the_report_worker_renders_the_print_template(published_rev1, facilitator):
    job = ReportJob.objects.create(
        requested_by=facilitator.user,
        version=published_rev1,
        kind=ReportJob.Kind.COMPARISON,
        options={"old": "Zero draft"},
    )
    html = render_to_string("drafts/compare_print.html", context_for_job(job))
    assert "Zero draft and Rev.1 compared" in html
    assert "Compiled on" in html
    assert "<ins>ensuring that digital services remain accessible" in html
    job.options = {}
    assert context_for_job(job)["old"].label == "Zero draft"  # by default, the previous one


@pytest.mark.django_db
def test_the_first_version_has_nothing_to_compare_with(version, facilitator):
    job = ReportJob(requested_by=facilitator.user, version=version, kind="comparison")
    with pytest.raises(ValueError, match="follows no other version"):
        context_for_job(job)


@pytest.mark.django_db
def test_versions_two_apart_are_compared_through_the_one_between(published_rev1, version):
    text = REV1.read_text().replace("- 24. We are further concerned", "- 24. We are also concerned")
    rev2 = import_revision(version.consultation, "Rev.2", parse(text))
    rev2.links.update(confirmed=True)
    publish_version(rev2, closes_at=timezone.now() + timedelta(days=3))
    context = comparison_context(version, rev2)
    kinds = {
        (tuple(p.label for p in r["old"]), r["new"].label if r["new"] else None): r["kind"]
        for s in context["sections"]
        for r in s["rows"]
    }
    assert kinds[("26",), "24"] == "edited"
    assert kinds[("19",), "142"] == "moved"
    assert kinds[("22", "23"), "21"] == "merged"
    assert kinds[("7",), None] == "deleted"
    assert kinds[(), "28"] == "new"


@pytest.mark.django_db
def test_the_api_does_not_list_a_version_in_preparation(anonymous, rev1):
    data = anonymous.get("/api/v1/consultations/wsis20/").json()
    assert [v["label"] for v in data["versions"]] == ["Zero draft"]


@pytest.mark.parametrize("name", ["drafts:compare", "drafts:compare_print"])
def test_a_consultation_with_no_version_says_there_is_nothing_to_compare(anonymous, db, name):
    Consultation.objects.create(slug="wsis30", title="WSIS+30 review")
    response = anonymous.get(reverse(name, args=["wsis30"]))
    assert response.status_code == 200
    assert "No version of this draft has been published yet" in response.content.decode()
    assert anonymous.get(reverse(name, args=["wsis30"]), {"old": "Zero"}).status_code == 404
