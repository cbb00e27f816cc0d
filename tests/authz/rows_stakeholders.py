"""Onboarding, the focal point's people, the account and Django's password pages.

Organisation B (the UPU) has no focal point among the personas, so ``focal_a`` is the only one
who manages people, and organisation B's delegates and invitations are outside their reach.
"""

from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.authz.matrix import Row, everyone, facilitators_only, signed_in
from tests.conftest import accreditation_request, group, make_user
from wsis.stakeholders.models import Invitation, Membership
from wsis.stakeholders.views import EMAIL_CHANGE_SALT, UNDO_SALT

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a much longer passphrase 42"


def focal_only(status: int) -> dict[str, int]:
    """Only a focal point manages people, of the organisation they act for; facilitators do not."""
    return signed_in(403) | {"focal_a": status}


def build(world, request):
    bob = request.getfixturevalue("delegate_b").user
    dora = make_user("dora")
    bert = make_user("bert")
    invitation_b, token_b = Invitation.issue(
        email="newcomer@upu.example",
        role=Invitation.Role.DELEGATE,
        invited_by=None,
        organisation=world.org_b,
    )
    invitation_a, _ = Invitation.issue(
        email="newcomer@ken.example",
        role=Invitation.Role.DELEGATE,
        invited_by=None,
        organisation=world.org_a,
    )
    world.extra.update(
        delegate_of_a=Membership.objects.create(user=dora, organisation=world.org_a),
        delegate_of_b=Membership.objects.create(user=bert, organisation=world.org_b),
        invitation_of_a=invitation_a,
        invitation_of_b=invitation_b,
        invitation_token=token_b,
        accreditation=accreditation_request(world.consultation),
        # A link confirming a new address for the UPU delegate's account only.
        email_token=signing.dumps(
            {"user": bob.pk, "email": "bob.new@example.org", "old": bob.email},
            salt=EMAIL_CHANGE_SALT,
        ),
        reset_uid=urlsafe_base64_encode(force_bytes(bob.pk)),
        reset_token=default_token_generator.make_token(bob),
        # The undo of a removal of A's delegate Dora (her membership stands: restoring is a no-op).
        undo_token=signing.dumps({"user": dora.pk, "organisation": world.org_a.pk}, salt=UNDO_SALT),
    )


def csv_upload(world):
    text = "name,acronym,group,focal_point_email\nGhana,GHA,member_state,focal@ghana.example\n"
    return {"file": SimpleUploadedFile("orgs.csv", text.encode(), "text/csv")}


def slug(world):
    return [world.consultation.slug]


def accreditation(world):
    return [world.consultation.slug, world.extra["accreditation"].pk]


ROWS = [
    # Django's password pages; a reset link is a bearer token, whoever holds it.
    Row("password_change", signed_in(200)),
    Row(
        "password_change",
        signed_in(302),
        method="POST",
        data=lambda w: {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        refuses_get=False,
    ),
    Row("password_change_done", signed_in(200)),
    Row("password_reset", everyone(200)),
    Row(
        "password_reset",
        everyone(302),
        method="POST",
        data=lambda w: {"email": "bob@example.org"},
        refuses_get=False,
    ),
    Row("password_reset_done", everyone(200)),
    # The link's token moves into the session and the browser goes on to the form.
    Row(
        "password_reset_confirm",
        everyone(302),
        args=lambda w: [w.extra["reset_uid"], w.extra["reset_token"]],
    ),
    Row(
        "password_reset_confirm",
        everyone(200),
        args=lambda w: [w.extra["reset_uid"], "forged-token"],
        note="forged token",
    ),
    Row("password_reset_complete", everyone(200)),
    # Accreditation: the public side.
    Row("stakeholders:accreditation_request", everyone(200), args=slug),
    Row(
        "stakeholders:accreditation_request",
        everyone(302),
        args=slug,
        method="POST",
        data=lambda w: {
            "name": "Community Networks Alliance",
            "acronym": "CNA",
            "group": group("civil_society").pk,
            "country": "Brazil",
            "contact_name": "Ana Souza",
            "contact_email": "ana@cna.example",
            "justification": "We connect villages.",
        },
        refuses_get=False,
    ),
    Row("stakeholders:accreditation_sent", everyone(200), args=slug),
    # Accreditation: the facilitators decide.
    Row("stakeholders:accreditation_list", facilitators_only(), args=slug),
    Row("stakeholders:accreditation_detail", facilitators_only(), args=accreditation),
    Row(
        "stakeholders:accreditation_approve",
        facilitators_only(302),
        args=accreditation,
        method="POST",
    ),
    Row(
        "stakeholders:accreditation_decline",
        facilitators_only(302),
        args=accreditation,
        method="POST",
        data=lambda w: {"reason": "Not an ICT organisation."},
    ),
    Row("stakeholders:bulk_register", facilitators_only(), args=slug),
    Row(
        "stakeholders:bulk_register",
        facilitators_only(),
        args=slug,
        method="POST",
        data=csv_upload,
        refuses_get=False,
    ),
    Row("stakeholders:organisations", facilitators_only(), args=slug),
    Row(
        "stakeholders:organisation_reinvite",
        facilitators_only(302),
        args=lambda w: [w.consultation.slug, w.org_a.pk],
        method="POST",
        data=lambda w: {"email": "new.focal@ken.example"},
    ),
    Row("stakeholders:facilitators", facilitators_only(), args=slug),
    Row(
        "stakeholders:facilitators_invite",
        facilitators_only(302),
        args=slug,
        method="POST",
        data=lambda w: {"email": "co-facilitator@un.example"},
    ),
    # The focal point's people.
    Row("stakeholders:people", focal_only(200)),
    Row(
        "stakeholders:people_invite",
        focal_only(302),
        method="POST",
        data=lambda w: {"email": "new.delegate@ken.example"},
    ),
    # Removing asks first (GET), removes on POST, and can be undone (people_restore).
    *[
        Row(
            "stakeholders:people_remove",
            focal_only(status),
            args=lambda w, name=name: [w.extra[name].pk],
            method=method,
            note=name.replace("_", " ").replace("of a", "of A").replace("of b", "of B"),
            refuses_get=False,
        )
        for name, method, status in [
            ("delegate_of_a", "GET", 200),
            ("delegate_of_b", "GET", 404),
            ("delegate_of_a", "POST", 302),
            ("delegate_of_b", "POST", 404),
        ]
    ],
    Row(
        "stakeholders:people_restore",
        focal_only(302),
        method="POST",
        data=lambda w: {"token": w.extra["undo_token"]},
        note="removal of A's delegate",
    ),
    Row(
        "stakeholders:invitation_withdraw",
        focal_only(302),
        args=lambda w: [w.extra["invitation_of_a"].pk],
        method="POST",
        note="invitation of A",
    ),
    Row(
        "stakeholders:invitation_withdraw",
        focal_only(404),
        args=lambda w: [w.extra["invitation_of_b"].pk],
        method="POST",
        note="invitation of B",
    ),
    # An invitation link is a bearer token: whoever holds it may join (newcomers set a password).
    Row("stakeholders:accept", everyone(200), args=lambda w: [w.extra["invitation_token"]]),
    Row(
        "stakeholders:accept",
        everyone(302),
        args=lambda w: [w.extra["invitation_token"]],
        method="POST",
        data=lambda w: {
            "first_name": "Nadia",
            "last_name": "Newcomer",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        refuses_get=False,
    ),
    Row("stakeholders:accept", everyone(404), args=lambda w: ["unknown"], note="unknown token"),
    # Acting for an organisation one is not a member of is refused with a message, not a status.
    Row(
        "stakeholders:act_for",
        everyone(302),
        method="POST",
        data=lambda w: {"organisation": w.org_b.pk, "next": "/"},
    ),
    # The account: each person's own.
    Row("stakeholders:account", signed_in(200)),
    Row(
        "stakeholders:email_change",
        signed_in(302),
        method="POST",
        data=lambda w: {"email": "someone.new@example.org", "password": PASSWORD},
    ),
    # The link confirms the UPU delegate's new address; it is void for every other account.
    Row(
        "stakeholders:email_confirm",
        signed_in(410) | {"delegate_b": 200},
        args=lambda w: [w.extra["email_token"]],
    ),
    Row(
        "stakeholders:email_confirm",
        signed_in(410) | {"delegate_b": 302},
        args=lambda w: [w.extra["email_token"]],
        method="POST",
        refuses_get=False,
    ),
]
