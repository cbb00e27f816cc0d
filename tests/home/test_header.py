"""One header on every page: the same links whatever the page, the consultation and version in
view, and breadcrumbs where pages nest."""

import re

import pytest
from django.urls import reverse

from tests.conftest import accreditation_request
from wsis.comments.models import Entry
from wsis.reports.models import ReportJob
from wsis.room.models import Reading
from wsis.silence.models import Silence


def header_links(response) -> list[str]:
    html = response.content.decode()
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, flags=re.S)
    assert nav, "no header on the page"
    return re.findall(r'href="([^"]+)"', nav.group(0))


def in_view(response) -> str:
    found = re.search(r'<a class="in-view"[^>]*>(.*?)</a>', response.content.decode(), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else ""


def crumbs(response) -> list[str]:
    html = response.content.decode()
    trail = re.search(r'<nav class="breadcrumbs".*?</nav>', html, flags=re.S).group(0)
    return [
        " ".join(re.sub(r"<[^>]+>", "", item).split())
        for item in re.findall(r"<li[^>]*>(.*?)</li>", trail, flags=re.S)
    ]


def test_a_focal_point_has_the_same_header_on_every_page(focal_a, version):
    pages = [
        "/",
        reverse("drafts:reader", args=["wsis20"]),
        reverse("stakeholders:people"),
        reverse("stakeholders:account"),
        reverse("notifications:list"),
        reverse("comments:our_entries", args=["wsis20"]),
        reverse("reports:index", args=["wsis20", "Zero draft"]),
    ]
    headers = {path: header_links(focal_a.get(path)) for path in pages}
    first = headers["/"]
    assert reverse("stakeholders:people") in first
    assert reverse("comments:our_submission", args=["wsis20"]) in first
    assert reverse("reports:home") in first
    assert reverse("search:search", args=["wsis20"]) in first
    assert all(links == first for links in headers.values()), headers


def test_a_facilitator_has_the_same_header_on_every_page(facilitator, version):
    job = ReportJob.objects.create(
        requested_by=facilitator.user, version=version, kind=ReportJob.Kind.COMPILATION
    )
    pages = [
        "/",
        reverse("moderation:dashboard", args=["wsis20"]),
        reverse("moderation:paragraph", args=["wsis20", "OP26"]),
        reverse("reports:job", args=[job.pk]),
        reverse("stakeholders:accreditation_list", args=["wsis20"]),
        reverse("stakeholders:account"),
    ]
    headers = {path: header_links(facilitator.get(path)) for path in pages}
    first = headers["/"]
    assert reverse("moderation:home") in first
    assert reverse("drafts:upload", args=["wsis20"]) in first
    assert all(links == first for links in headers.values()), headers
    # The consultation and the version in view, on pages that name neither too.
    for path in pages:
        assert in_view(facilitator.get(path)) == "WSIS+20 review Zero draft"


def test_the_header_shows_the_version_the_page_shows(anonymous, version):
    rev1 = version.consultation.versions.create(label="Rev.1", order=2, status="closed")
    response = anonymous.get(reverse("drafts:version", args=["wsis20", rev1.label]))
    assert in_view(response) == "WSIS+20 review Rev.1"


def test_a_page_that_does_not_nest_has_no_trail_beyond_home(focal_a, version):
    assert crumbs(focal_a.get("/")) == ["Home"]


@pytest.fixture
def nested(version, facilitator, delegate_a, org_a):
    """One object for each page that nests."""
    entry = Entry.objects.create(
        version=version,
        paragraph=version.paragraphs.get(label="26"),
        organisation=org_a,
        author=delegate_a.user,
        kind=Entry.Kind.COMMENT,
        text="Why not?",
        status=Entry.Status.SUBMITTED,
    )
    job = ReportJob.objects.create(
        requested_by=facilitator.user, version=version, kind=ReportJob.Kind.COMPILATION
    )
    Silence.objects.create(version=version, deadline=version.created, started_by=facilitator.user)
    Reading.objects.create(version=version, number=1, paragraph=version.paragraphs.first())
    request = accreditation_request(version.consultation)
    delegate = delegate_a.user.memberships.get()
    return {"entry": entry, "job": job, "request": request, "delegate": delegate}


ZERO = ["wsis20", "Zero draft"]
VERSION = "WSIS+20 review · Zero draft"

# persona, the page (from the objects of `nested`), its trail.
NESTED = {
    "entry": (
        "delegate_a",
        lambda o: reverse("comments:entry", args=[o["entry"].pk]),
        ["Home", VERSION, "OP 26", "Comment · KEN"],
    ),
    "panel": (
        "delegate_a",
        lambda o: reverse("comments:panel", args=[o["entry"].paragraph_id]),
        ["Home", VERSION, "OP 26"],
    ),
    "moderation-paragraph": (
        "facilitator",
        lambda o: reverse("moderation:paragraph", args=["wsis20", "OP26"]),
        ["Home", "Moderation", "OP 26"],
    ),
    "moderation-entry": (
        "facilitator",
        lambda o: reverse("moderation:entry", args=["wsis20", o["entry"].pk]),
        ["Home", "Moderation", "OP 26", "Entry #{pk}"],
    ),
    "report-job": (
        "facilitator",
        lambda o: reverse("reports:job", args=[o["job"].pk]),
        ["Home", "Reports · Zero draft", "Consolidated compilation"],
    ),
    "reports": (
        "facilitator",
        lambda o: reverse("reports:index", args=ZERO),
        ["Home", VERSION, "Reports"],
    ),
    "people": ("focal_a", lambda o: reverse("stakeholders:people"), ["Home", "People · KEN"]),
    "people-remove": (
        "focal_a",
        lambda o: reverse("stakeholders:people_remove", args=[o["delegate"].pk]),
        ["Home", "People · KEN", "Remove a delegate"],
    ),
    "accreditation": (
        "facilitator",
        lambda o: reverse("stakeholders:accreditation_detail", args=["wsis20", o["request"].pk]),
        ["Home", "Accreditation requests", "DRC"],
    ),
    "organisations": (
        "facilitator",
        lambda o: reverse("stakeholders:organisations", args=["wsis20"]),
        ["Home", "Accreditation requests", "Organisations"],
    ),
    "silence": (
        "facilitator",
        lambda o: reverse("silence:version", args=ZERO),
        ["Home", VERSION, "Silence procedure"],
    ),
    "silence-matrix": (
        "facilitator",
        lambda o: reverse("silence:matrix", args=ZERO),
        ["Home", VERSION, "Silence procedure", "Where silence was broken"],
    ),
    "readings": (
        "delegate_a",
        lambda o: reverse("room:readings", args=ZERO),
        ["Home", VERSION, "Readings"],
    ),
    "room-log": (
        "delegate_a",
        lambda o: reverse("room:log", args=[*ZERO, 1]),
        ["Home", VERSION, "Readings", "Log of the First reading"],
    ),
    "submit-all": (
        "focal_a",
        lambda o: reverse("comments:submit_all", args=["wsis20"]),
        ["Home", "My organisation", "Submit all drafts"],
    ),
    "markup": (
        "focal_a",
        lambda o: reverse("comments:markup", args=["wsis20"]),
        ["Home", "My organisation", "Upload our marked-up copy"],
    ),
    "search": (
        "delegate_a",
        lambda o: reverse("search:search", args=["wsis20"]) + "?q=digital",
        ["Home", VERSION, "Search"],
    ),
    "compare": (
        "anonymous",
        lambda o: reverse("drafts:compare", args=["wsis20"]),
        ["Home", "WSIS+20 review", "Compare versions"],
    ),
    "rolling": (
        "facilitator",
        lambda o: reverse("comments:rolling", args=ZERO),
        ["Home", VERSION, "Rolling text"],
    ),
}


@pytest.mark.parametrize(("persona", "url", "trail"), NESTED.values(), ids=NESTED.keys())
def test_pages_that_nest_show_their_trail(request, nested, persona, url, trail):
    response = request.getfixturevalue(persona).get(url(nested))
    assert response.status_code == 200
    expected = [step.format(pk=nested["entry"].pk) for step in trail]
    assert crumbs(response) == expected
    assert 'aria-current="page"' in response.content.decode().split('class="breadcrumbs"')[1]


# What links to the parent in the page itself, besides the trail, on purpose: the "Cancel" of a
# confirmation, the moderation's tabs (the queue is their first).
ON_PURPOSE = {"people-remove": 1, "submit-all": 1, "markup": 1, "moderation-paragraph": 1}


@pytest.mark.parametrize(("persona", "url", "trail"), NESTED.values(), ids=NESTED.keys())
def test_a_nested_page_links_to_its_parent_once(request, nested, persona, url, trail):
    """The trail replaced the old link above the heading: not both."""
    html = request.getfixturevalue(persona).get(url(nested)).content.decode()
    trail_html = re.search(r'<nav class="breadcrumbs".*?</nav>', html, flags=re.S).group(0)
    parent = re.findall(r'href="([^"]+)"', trail_html)[-1]
    main = re.search(r'<main id="main".*?</main>', html, flags=re.S).group(0)
    in_main = main.count(f'href="{parent}"')
    assert in_main == ON_PURPOSE.get(request.node.callspec.id, 0), parent
    assert trail_html.count(f'href="{parent}"') == 1


def test_a_refused_status_shows_its_trail(facilitator, version):
    url = reverse("negotiation:paragraph_status", args=["wsis20", "OP26"])
    response = facilitator.post(url, {"status": "no such status"})
    assert response.status_code == 400
    assert crumbs(response) == ["Home", "Moderation", "Statuses", "OP 26"]
