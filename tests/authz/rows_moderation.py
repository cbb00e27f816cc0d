"""Moderation: facilitators of the consultation only; everyone else 403 (anonymous: sign in)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.authz.matrix import Row, everyone, facilitators_only
from wsis.comments.models import Entry
from wsis.moderation.second_factor import issue_link

FACILITATED = facilitators_only(200)
ACTION = facilitators_only(302)


def build(world, request):
    author = request.getfixturevalue("delegate_b").user
    entry = Entry.objects.create(
        version=world.version,
        paragraph=world.paragraph,
        organisation=world.org_b,
        author=author,
        kind=Entry.Kind.AMENDMENT,
        proposed_text=world.paragraph.text + " Through post offices.",
        status=Entry.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    other = Entry.objects.create(
        version=world.version,
        paragraph=world.paragraph,
        organisation=world.org_b,
        author=author,
        kind=Entry.Kind.COMMENT,
        text="A comment.",
        status=Entry.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    world.extra["submitted"] = entry
    world.extra["other_submitted"] = other
    unverified = request.getfixturevalue("unverified_facilitator").user
    world.extra["unverified"] = unverified
    world.extra["enrolment_token"] = issue_link(unverified)


def slug(world):
    return [world.consultation.slug]


def on_entry(world):
    return [world.consultation.slug, world.extra["submitted"].pk]


def decisions_file(world):
    entry = world.extra["submitted"]
    data = f"entry,decision,decision rationale\r\n{entry.pk},incorporated,Taken in Rev.1.\r\n"
    return {
        "version": world.version.label,
        "file": SimpleUploadedFile("decisions.csv", data.encode(), content_type="text/csv"),
    }


def after_the_round(world):
    # An extension must end after the round does (the fixture's round closes in a week).
    return timezone.localtime(timezone.now() + timezone.timedelta(days=30)).strftime(
        "%Y-%m-%dT%H:%M"
    )


ROWS = [
    # Not a facilitator anywhere: 403; the facilitator is sent to their consultation's queue.
    Row("moderation:home", facilitators_only(302)),
    # The way through the gate: open to a facilitator who has not confirmed a code yet.
    Row("moderation:two_factor", FACILITATED | {"unverified_facilitator": 200}),
    Row("moderation:dashboard", FACILITATED, args=slug),
    Row(
        "moderation:bulk",
        ACTION,
        args=slug,
        method="POST",
        data=lambda w: {"entries": [w.extra["submitted"].pk], "action": "publish"},
    ),
    Row("moderation:import_decisions", ACTION, args=slug, method="POST", data=decisions_file),
    Row("moderation:overview", FACILITATED, args=slug),
    Row("moderation:round", FACILITATED, args=slug),
    Row(
        "moderation:round_update",
        ACTION,
        args=slug,
        method="POST",
        data=lambda w: {"now": "close"},
    ),
    Row(
        "moderation:extend",
        ACTION,
        args=slug,
        method="POST",
        data=lambda w: {"organisation": w.org_b.pk, "closes_at": after_the_round(w)},
    ),
    Row(
        "moderation:settings",
        ACTION,
        args=slug,
        method="POST",
        data=lambda w: {"publish_immediately": "on"},
    ),
    Row(
        "moderation:paragraph",
        FACILITATED,
        args=lambda w: [w.consultation.slug, w.paragraph.anchor],
    ),
    Row("moderation:entry", FACILITATED, args=on_entry),
    Row(
        "moderation:moderate",
        ACTION,
        args=on_entry,
        method="POST",
        data=lambda w: {"action": "reject", "reason": "Out of scope."},
    ),
    Row(
        "moderation:decide",
        ACTION,
        args=on_entry,
        method="POST",
        data=lambda w: {"decision": "incorporated", "rationale": "Taken in Rev.1."},
    ),
    # An enrolment link works only for the account it was issued to (here the facilitator
    # without a second factor); it says nothing to anyone else.
    Row(
        "moderation:enrol",
        everyone(404) | {"anonymous": 302, "unverified_facilitator": 200},
        args=lambda w: [w.extra["enrolment_token"]],
    ),
    Row(
        "moderation:enrol",
        everyone(404) | {"anonymous": 302, "unverified_facilitator": 400},
        args=lambda w: [w.extra["enrolment_token"]],
        method="POST",
        data=lambda w: {"token": "000000"},
        refuses_get=False,
    ),
    Row(
        "moderation:enrolment_link",
        FACILITATED,
        args=lambda w: [w.consultation.slug, w.extra["unverified"].pk],
        method="POST",
    ),
    Row(
        "moderation:duplicate",
        ACTION,
        args=on_entry,
        method="POST",
        data=lambda w: {"duplicate_of": w.extra["other_submitted"].pk},
    ),
]
