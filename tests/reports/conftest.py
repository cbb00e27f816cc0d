"""Entries to compile: a few proposals and comments from organisations of several groups.

Made with the ORM (the commenting app owns the forms that make them for real).
"""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.conftest import group, make_user, run_in_process
from wsis.comments.models import Entry, Support
from wsis.reports.tasks import render_report
from wsis.stakeholders.models import Organisation


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Reports are written in a folder of their own (a test may want another)."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def rendered_at_once(monkeypatch):
    """Reports rendered in the test's process, as soon as they are asked for."""
    run_in_process(monkeypatch, render_report)


def author_of(organisation):
    username = f"author-{organisation.acronym.lower()}"
    user = get_user_model().objects.filter(username=username).first()
    return user or make_user(username)


def add_entry(version, label, organisation, kind, proposed_text="", text="", **fields):
    paragraph = version.paragraphs.get(label=label)
    membership = organisation.memberships.first()
    author = membership.user if membership else author_of(organisation)
    return Entry.objects.create(
        version=version,
        paragraph=paragraph,
        organisation=organisation,
        author=author,
        kind=kind,
        proposed_text=proposed_text,
        text=text,
        status=fields.pop("status", Entry.Status.SUBMITTED),
        moderation=fields.pop("moderation", Entry.Moderation.PUBLISHED),
        submitted_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def org_c(db):
    return Organisation.objects.create(
        name="Access Now", acronym="ACCESS", group=group("civil_society")
    )


@pytest.fixture
def org_d(db):
    return Organisation.objects.create(name="Brazil", acronym="BRA", group=group("member_state"))


@pytest.fixture
def entries(version, org_a, org_b, org_c, org_d):
    """Proposals on OP 26 from three groups (in scrambled order), a new OP 31 bis, and more."""
    op26 = version.paragraphs.get(label="26").text
    made = {
        "upu_26": add_entry(
            version,
            "26",
            org_b,
            Entry.Kind.AMENDMENT,
            op26.replace("connectivity", "postal and digital connectivity", 1),
            "Post offices connect the unconnected.",
            decision=Entry.Decision.INCORPORATED,
            decision_rationale="Taken into Rev.1.",
        ),
        "access_26": add_entry(
            version,
            "26",
            org_c,
            Entry.Kind.COMMENT,
            text="Human rights must come first.",
        ),
        "kenya_26": add_entry(
            version,
            "26",
            org_a,
            Entry.Kind.AMENDMENT,
            op26 + " Kenya addition.",
            "Kenya's reason.",
            decision=Entry.Decision.NOT_INCORPORATED,
        ),
        "brazil_26": add_entry(
            version, "26", org_d, Entry.Kind.DELETION, text="Redundant with OP 27."
        ),
        "kenya_31bis": add_entry(
            version,
            "31",
            org_a,
            Entry.Kind.NEW_PARAGRAPH,
            "Encourages mobile money interoperability.",
            "A gap in the draft.",
            decision=Entry.Decision.PARTIAL,
        ),
        "brazil_pending": add_entry(
            version,
            "B",
            org_d,
            Entry.Kind.COMMENT,
            text="Pending comment from Brazil.",
            moderation=Entry.Moderation.PENDING,
        ),
        "rejected": add_entry(
            version,
            "27",
            org_b,
            Entry.Kind.COMMENT,
            text="Rejected off-topic text.",
            moderation=Entry.Moderation.REJECTED,
        ),
        "hidden": add_entry(
            version,
            "27",
            org_c,
            Entry.Kind.COMMENT,
            text="Hidden spam text.",
            moderation=Entry.Moderation.HIDDEN,
        ),
        "draft": add_entry(
            version,
            "27",
            org_a,
            Entry.Kind.COMMENT,
            text="Unsent draft text.",
            status=Entry.Status.DRAFT,
        ),
    }
    Support.objects.create(
        entry=made["upu_26"], organisation=org_a, user=make_user("supporter-ken")
    )
    return made
