"""``/``: the consultation list for a visitor, and for each role what waits for them."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import accreditation_request, make_user, parsed, signed_in
from tests.drafts.conftest import REV1
from wsis.audit.models import AuditEvent, target_of
from wsis.comments.models import Entry, Support
from wsis.drafts.models import Consultation
from wsis.drafts.services import import_revision, publish_version
from wsis.moderation import services
from wsis.reports.models import ReportJob
from wsis.room.models import Reading
from wsis.silence.models import Silence
from wsis.stakeholders.models import Invitation, Membership

HOME = "/"


def entry(version, organisation, author, label="26", **fields):
    paragraph = version.paragraphs.get(label=label)
    defaults = {
        "kind": Entry.Kind.AMENDMENT,
        "text": "Because connectivity matters.",
        "proposed_text": paragraph.text + " And meaningfully so.",
        "status": Entry.Status.SUBMITTED,
        "submitted_at": timezone.now(),
    }
    return Entry.objects.create(
        version=version,
        paragraph=paragraph,
        organisation=organisation,
        author=author,
        **(defaults | fields),
    )


def decide(entries, decision, **words):
    """Decide as the facilitators' pages do, so that the audit log dates each decision."""
    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    services.decide(entries, decision, request=request, **words)


def day(version, moment) -> str:
    """A date as the home writes it, in the consultation's time zone."""
    return f"{timezone.localtime(moment, version.consultation.tz):%-d %B %Y}"


def decided_at(decided) -> str:
    return AuditEvent.objects.get(action="entry.decided", target=target_of(decided)).created


def decisions(response) -> list[str]:
    """The home's decisions, each as its words read."""
    html = response.content.decode()
    found = re.findall(r'<li class="decision">(.*?)</li>', html, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in found]


def needs(response) -> dict[str, int]:
    """The counts of the "waiting for you" cards, by the words beside each."""
    html = response.content.decode()
    found = re.findall(r'<span class="count">(\d+)</span>\s*<span>([^<]+)</span>', html, flags=re.S)
    return {" ".join(words.split()): int(n) for n, words in found}


def test_home_is_a_page_not_a_redirect(anonymous, version):
    response = anonymous.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert "WSIS+20 review" in html and version.get_absolute_url() in html
    assert "Zero draft, open for comments" in html
    assert "Comments open until" in html and "left)" in html


@pytest.mark.django_db
def test_home_lists_every_consultation_even_one_without_a_draft(anonymous):
    Consultation.objects.create(slug="one", title="First process")
    Consultation.objects.create(slug="two", title="Second process")
    html = anonymous.get(HOME).content.decode()
    assert "First process" in html and "Second process" in html
    assert "No draft has been published yet." in html


@pytest.mark.django_db
def test_home_says_when_there_is_no_consultation(anonymous):
    assert "No consultation has been set up yet." in anonymous.get(HOME).content.decode()


def test_home_refuses_post(anonymous, version):
    assert anonymous.post(HOME).status_code == 405


def test_a_delegate_sees_their_drafts_and_the_deadline(delegate_a, focal_a, org_a, version):
    mine = entry(version, org_a, delegate_a.user, status=Entry.Status.DRAFT)
    entry(version, org_a, focal_a.user, label="27", status=Entry.Status.DRAFT)  # not theirs
    response = delegate_a.get(HOME)
    assert needs(response)["draft of yours on Zero draft"] == 1
    html = response.content.decode()
    assert reverse("comments:entry", args=[mine.pk]) in html
    assert "Comments open until" in html and "Your work for KEN" in html
    # What only a focal point does is not offered.
    assert "waiting for submission" not in html and "Supports" not in html


def test_a_delegate_sees_their_organisations_deadline_extension(delegate_a, org_a, version):
    later = version.round.closes_at + timedelta(days=3)
    version.round.extensions.create(organisation=org_a, closes_at=later)
    response = delegate_a.get(HOME)
    assert response.context["places"][0].member["closes_at"] == later


def test_a_focal_point_sees_what_waits_for_submission_and_what_came_back(
    focal_a, delegate_a, delegate_b, org_a, org_b, version
):
    entry(version, org_a, delegate_a.user, status=Entry.Status.DRAFT)
    entry(version, org_a, delegate_a.user, label="27", status=Entry.Status.DRAFT)
    decided = entry(
        version,
        org_a,
        focal_a.user,
        moderation=Entry.Moderation.PUBLISHED,
        decision=Entry.Decision.INCORPORATED,
    )
    Support.objects.create(entry=decided, organisation=org_b, user=delegate_b.user)
    Invitation.objects.create(
        organisation=org_a,
        consultation=version.consultation,
        email="new@example.org",
        role=Membership.Role.DELEGATE,
        invited_by=focal_a.user,
        token_hash="x" * 64,
        expires_at=timezone.now() + timedelta(days=7),
    )
    response = focal_a.get(HOME)
    counts = needs(response)
    assert counts["drafts waiting for submission"] == 2
    assert counts["decision received on your submissions"] == 1
    html = response.content.decode()
    assert reverse("comments:submit_all", args=["wsis20"]) in html
    assert "Your proposals have 1 support from other organisations." in html
    assert "1 delegate. 1 invitation not yet accepted." in " ".join(html.split())
    assert decisions(response) == [
        f"OP 26 Amendment #{decided.pk} incorporated {day(version, decided.updated)}"
    ]
    assert reverse("comments:entry", args=[decided.pk]) in html


def test_a_delegate_reads_the_decisions_on_their_organisations_entries(
    delegate_a, delegate_b, focal_a, org_a, org_b, version
):
    merged = entry(version, org_a, focal_a.user, moderation=Entry.Moderation.PUBLISHED)
    suggested = entry(version, org_a, delegate_a.user, label="27", kind=Entry.Kind.DELETION)
    theirs = entry(version, org_b, delegate_b.user, label="28")
    decide([merged], Entry.Decision.PARTIAL, rationale="Merged with the G77 proposal.")
    # Confirmed from what the platform suggested: its evidence is no rationale for the organisation.
    decide([suggested], Entry.Decision.NOT_INCORPORATED, evidence="0 of 11 words in Rev. 1.")
    decide([theirs], Entry.Decision.INCORPORATED, rationale="Taken in.")
    response = delegate_a.get(HOME)
    assert decisions(response) == [
        f"OP 27 Deletion #{suggested.pk} not incorporated {day(version, decided_at(suggested))}",
        f"OP 26 Amendment #{merged.pk} partially incorporated {day(version, decided_at(merged))}"
        " Rationale: Merged with the G77 proposal.",
    ]
    html = response.content.decode()
    assert "0 of 11 words" not in html and "Taken in." not in html
    # The paragraph in the reader, the entry with its history, and every decision on the ledger.
    assert f'href="{version.get_absolute_url()}#OP26"' in html
    assert f'href="{reverse("comments:entry", args=[merged.pk])}"' in html
    ledger = reverse("comments:ledger", args=["wsis20", "KEN"])
    assert f'<a href="{ledger}">See all 2 decisions: how Kenya' in " ".join(html.split())
    assert needs(response)["decisions received on your submissions"] == 2


def test_the_home_lists_the_latest_decisions_by_when_they_were_taken(
    delegate_a, focal_a, org_a, version
):
    labels = [p.label for p in version.paragraphs.filter(kind="operative")[:12]]
    made = [entry(version, org_a, delegate_a.user, label=label) for label in labels]
    for decided in reversed(made):  # the last made is the first decided
        decide([decided], Entry.Decision.INCORPORATED, rationale="Taken in.")
    # A change after the decision moves ``updated``, not the decision's date.
    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    services.mark_duplicate(made[11], made[10], request=request)
    for client in (delegate_a, focal_a):
        listed = [item.split()[3] for item in decisions(client.get(HOME))]
        assert listed == [f"#{e.pk}" for e in made[:10]], client
    html = " ".join(delegate_a.get(HOME).content.decode().split())
    assert "See all 12 decisions: how Kenya" in html


def test_a_decision_on_an_earlier_version_says_which_and_links_to_its_text(
    delegate_a, org_a, version
):
    earlier = entry(version, org_a, delegate_a.user, moderation=Entry.Moderation.PUBLISHED)
    rev1 = import_revision(version.consultation, "Rev.1", parsed(REV1))
    rev1.links.update(confirmed=True)
    publish_version(rev1, closes_at=timezone.now() + timedelta(days=14))
    decide([earlier], Entry.Decision.INCORPORATED, rationale="Taken in Rev.1.")
    response = delegate_a.get(HOME)
    assert decisions(response)[0].startswith(f"OP 26 (Zero draft) Amendment #{earlier.pk}")
    assert f'href="{version.get_absolute_url()}#OP26"' in response.content.decode()


def test_a_decision_on_an_entry_the_facilitators_hid_is_not_listed(delegate_a, org_a, version):
    hidden = entry(version, org_a, delegate_a.user, moderation=Entry.Moderation.PUBLISHED)
    decide([hidden], Entry.Decision.INCORPORATED, rationale="Taken in.")
    Entry.objects.filter(pk=hidden.pk).update(moderation=Entry.Moderation.HIDDEN)
    response = delegate_a.get(HOME)
    assert decisions(response) == []
    assert "Decisions received" not in response.content.decode()


def test_another_organisations_drafts_are_not_counted(delegate_b, delegate_a, org_a, version):
    entry(version, org_a, delegate_a.user, status=Entry.Status.DRAFT)
    assert needs(delegate_b.get(HOME))["drafts of yours on Zero draft"] == 0


def test_a_facilitator_sees_the_queue_requests_round_silence_and_reports(
    facilitator, delegate_a, org_a, org_b, version
):
    entry(version, org_a, delegate_a.user)  # pending moderation
    entry(version, org_a, delegate_a.user, label="27", moderation=Entry.Moderation.PUBLISHED)
    entry(version, org_a, delegate_a.user, label="28", status=Entry.Status.DRAFT)  # not theirs
    accreditation_request(version.consultation)
    job = ReportJob.objects.create(
        requested_by=facilitator.user,
        version=version,
        kind=ReportJob.Kind.COMPILATION,
        state=ReportJob.State.RENDERING,
        progress=40,
    )
    Silence.objects.create(
        version=version,
        deadline=timezone.now() - timedelta(hours=1),
        started_by=facilitator.user,
    )
    Reading.objects.create(version=version, number=1, paragraph=version.paragraphs.first())
    response = facilitator.get(HOME)
    counts = needs(response)
    assert counts["entry waiting for moderation"] == 1
    assert counts["published entry with its decision still open"] == 1
    assert counts["accreditation request to answer"] == 1
    html = response.content.decode()
    assert "1 of 2 accredited organisations have submitted on this version." in html
    assert "Silence ended on" in html
    assert reverse("silence:matrix", args=["wsis20", "Zero draft"]) in html
    assert reverse("reports:job", args=[job.pk]) in html and "rendering 40%" in html
    assert reverse("room:room", args=["wsis20", "Zero draft", 1]) in html
    # The first thing waiting is the queue.
    assert html.index(reverse("moderation:dashboard", args=["wsis20"])) < html.index(
        reverse("stakeholders:accreditation_list", args=["wsis20"]) + '">\n'
    )


def test_a_facilitator_yet_to_confirm_a_code_is_shown_the_way(unverified_facilitator, version):
    response = unverified_facilitator.get(HOME)
    html = response.content.decode()
    assert reverse("moderation:two_factor") in html
    assert "waiting for moderation" not in html


def test_someone_of_no_organisation_reads_the_list(version, db):
    client = signed_in(make_user("nobody"))
    html = client.get(HOME).content.decode()
    assert "You are not a member of an organisation" in html
    assert version.get_absolute_url() in html


def test_a_facilitator_who_is_also_a_member_sees_both(facilitator, org_a, version):
    Membership.objects.create(
        user=facilitator.user, organisation=org_a, role=Membership.Role.FOCAL_POINT
    )
    html = facilitator.get(HOME).content.decode()
    assert "Waiting for you as facilitator" in html
    assert "Waiting for you as focal point of KEN" in html


# Counts flat in the number of entries -----------------------------------------------------


def fill(version, org_a, org_b, author, other, n):
    """``n`` entries of every kind the homes count, and supports, decisions and report jobs."""
    labels = [p.label for p in version.paragraphs.filter(kind="operative")[:n]]
    for label in labels:
        entry(version, org_a, author, label=label, status=Entry.Status.DRAFT)
        decided = entry(
            version,
            org_a,
            author,
            label=label,
            moderation=Entry.Moderation.PUBLISHED,
            decision=Entry.Decision.PARTIAL,
        )
        entry(version, org_b, other, label=label)
        Support.objects.create(entry=decided, organisation=org_b, user=other)
        decide([decided], Entry.Decision.INCORPORATED, rationale="Taken in.")
    for _ in range(min(n, 8)):
        ReportJob.objects.create(requested_by=author, version=version, kind="compilation")


def queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["anonymous", "delegate_a", "focal_a", "facilitator"])
def test_a_home_costs_the_same_queries_with_5_or_50_entries(
    request, persona, delegate_a, delegate_b, org_a, org_b, version
):
    client = request.getfixturevalue(persona)
    fill(version, org_a, org_b, delegate_a.user, delegate_b.user, 5)
    queries(client)  # warm the caches the first page fills (alignment maps, sessions)
    few = queries(client)
    fill(version, org_a, org_b, delegate_a.user, delegate_b.user, 45)
    assert Entry.objects.count() == 150
    # The supports told the organisations: their header's cached state is read again once.
    queries(client)
    assert queries(client) == few


# Signing in lands on the home ----------------------------------------------------------------


def test_signing_in_lands_on_the_home(client, delegate_a, version):
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 302 and response.url == "/"


def test_signing_in_with_next_goes_there(client, delegate_a, version):
    response = client.post(
        reverse("login") + "?next=/c/wsis20/",
        {"username": "alice", "password": "correct horse battery", "next": "/c/wsis20/"},
    )
    assert response.url == "/c/wsis20/"
