"""Onboarding actions that change several models at once, each in one transaction.

Each records what it did in the audit log inside its transaction; mails go out after commit.
"""

import csv
import io
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wsis.audit.models import record
from wsis.client import client_ip
from wsis.stakeholders.emails import send_after_commit
from wsis.stakeholders.models import (
    AccreditationRequest,
    Invitation,
    Membership,
    Organisation,
    StakeholderGroup,
    duplicate_of,
)
from wsis.text import clean_typed
from wsis.throttle import hold_allowance

log = logging.getLogger(__name__)


class OnboardingError(Exception):
    """An action refused for a reason the person can act on; the message says which."""


def invitation_link(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse("stakeholders:accept", args=[token])


def invite(
    *, email, role, invited_by, base_url, organisation=None, consultation=None, request=None,
    accreditation=None, token=None,
) -> Invitation:  # fmt: skip
    """Send a single-use link, replacing any open one of the same address to the same place.

    Answers the same whether or not the address has an account: the link itself handles both.
    """
    email = email.strip().lower()
    with transaction.atomic():
        Invitation.objects.open().filter(
            email=email, role=role, organisation=organisation, consultation=consultation
        ).update(revoked_at=timezone.now())
        invitation, token = Invitation.issue(
            email=email,
            role=role,
            invited_by=invited_by,
            organisation=organisation,
            consultation=consultation,
            token=token,
        )
        record(
            "invitation.sent",
            invitation,
            actor=invited_by,
            organisation=organisation,
            request=request,
            email=email,
            role=role,
        )
        send_after_commit(
            "invitation",
            email,
            {
                "invitation": invitation,
                "link": invitation_link(base_url, token),
                "invited_by": invited_by,
                "accreditation": accreditation,
            },
        )
    return invitation


def _invite_focal_point(email, organisation, *, by, base_url, request, **extra) -> Invitation:
    """An organisation's first or next focal point, invited by a facilitator."""
    return invite(
        email=email,
        role=Invitation.Role.FOCAL_POINT,
        invited_by=by,
        base_url=base_url,
        organisation=organisation,
        request=request,
        **extra,
    )


def invite_within_allowance(*, email, role, invited_by, base_url, **place) -> Invitation:
    """``invite``, for a person sending invitations one at a time (a focal point inviting
    delegates, a facilitator inviting facilitators): refused with ``LimitReached``, nothing
    sent, beyond ``INVITATIONS_PER_HOUR`` or ``INVITATIONS_PER_DAY``. Bulk registration and
    approvals are not counted."""
    with transaction.atomic():
        hold_allowance(
            invited_by,
            Invitation.objects.filter(invited_by=invited_by, role=role),
            per_hour=settings.INVITATIONS_PER_HOUR,
            per_day=settings.INVITATIONS_PER_DAY,
            message=_(
                "You have sent as many invitations as one person may in an hour (%(hour)d) or a "
                "day (%(day)d): this one was not sent. Try again later."
            )
            % {"hour": settings.INVITATIONS_PER_HOUR, "day": settings.INVITATIONS_PER_DAY},
        )
        return invite(email=email, role=role, invited_by=invited_by, base_url=base_url, **place)


def reinvite_focal_point(organisation: Organisation, *, email, by, base_url, request=None):
    """A facilitator's new focal-point invitation, replacing the organisation's open ones.

    For an organisation whose focal point never got or lost their link: the old links stop
    working (whatever address they went to), and both steps are audited.
    """
    with transaction.atomic():
        replaced = (
            Invitation.objects.open()
            .select_for_update()
            .filter(organisation=organisation, role=Invitation.Role.FOCAL_POINT)
        )
        for old in replaced:
            old.revoked_at = timezone.now()
            old.save(update_fields=["revoked_at"])
            record(
                "invitation.withdrawn", old, actor=by, organisation=organisation,
                request=request, email=old.email, replaced=True,
            )  # fmt: skip
        return _invite_focal_point(email, organisation, by=by, base_url=base_url, request=request)


def approve(accreditation: AccreditationRequest, *, by, base_url, request=None) -> Organisation:
    """Register the organisation and invite its contact person as focal point."""
    with transaction.atomic():
        accreditation = AccreditationRequest.objects.select_for_update().get(pk=accreditation.pk)
        if not accreditation.is_pending:
            raise OnboardingError(_("This request has already been decided."))
        existing = duplicate_of(accreditation.name, accreditation.acronym, accreditation.group)
        if existing is not None:
            raise OnboardingError(
                _("%(name)s (%(acronym)s) is already registered; decline this request and point "
                  "the requester to its focal point.")
                % {"name": existing.name, "acronym": existing.acronym}
            )  # fmt: skip
        organisation = Organisation.objects.create(
            name=accreditation.name,
            acronym=accreditation.acronym,
            group=accreditation.group,
            country=accreditation.country,
            website=accreditation.website,
        )
        organisation.accredit(accreditation.consultation)
        accreditation.status = AccreditationRequest.Status.APPROVED
        accreditation.organisation = organisation
        accreditation.decided_by = by
        accreditation.decided_at = timezone.now()
        accreditation.save()
        record(
            "accreditation.approved",
            accreditation,
            actor=by,
            organisation=organisation,
            request=request,
        )
        _invite_focal_point(
            accreditation.contact_email,
            organisation,
            by=by,
            base_url=base_url,
            request=request,
            accreditation=accreditation,
        )
    return organisation


def decline(accreditation: AccreditationRequest, *, by, reason: str, request=None) -> None:
    with transaction.atomic():
        accreditation = AccreditationRequest.objects.select_for_update().get(pk=accreditation.pk)
        if not accreditation.is_pending:
            raise OnboardingError(_("This request has already been decided."))
        accreditation.status = AccreditationRequest.Status.DECLINED
        accreditation.reason = reason
        accreditation.decided_by = by
        accreditation.decided_at = timezone.now()
        accreditation.save()
        record("accreditation.declined", accreditation, actor=by, request=request, reason=reason)
        send_after_commit(
            "accreditation_declined", accreditation.contact_email, {"accreditation": accreditation}
        )


@transaction.atomic
def request_accreditation(accreditation: AccreditationRequest, *, request) -> None:
    """Store a validated, unsaved request for accreditation, with the address it came from."""
    accreditation.ip_address = client_ip(request)
    accreditation.save()
    record(
        "accreditation.requested", accreditation, request=request,
        name=accreditation.name, acronym=accreditation.acronym,
    )  # fmt: skip


@transaction.atomic
def withdraw_invitation(invitation: Invitation, *, request) -> None:
    """Precondition: the invitation is open; its link stops working."""
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(
        "invitation.withdrawn", invitation, request=request,
        organisation=invitation.organisation, email=invitation.email,
    )  # fmt: skip


@transaction.atomic
def change_email(user, email: str, *, request) -> None:
    """Precondition: the owner of ``email`` confirmed it, and no other account has it."""
    old = user.email
    user.email = email
    user.save(update_fields=["email"])
    record("user.email_changed", user, request=request, old=old, new=user.email)


@transaction.atomic
def set_password(user, password: str, *, request, reset: bool = False) -> None:
    """Precondition: ``password`` passed the validators of Django's password forms; ``reset``
    when it was set through a reset link, which the account's owner counts as acting."""
    user.set_password(password)
    user.save(update_fields=["password"])
    if reset:
        record("user.password_reset", user, actor=user, request=request)
    else:
        record("user.password_changed", user, request=request)


def account_for(email: str):
    """The account that owns an address: by email, or by username since invitees sign in with it."""
    User = get_user_model()
    accounts = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
    return accounts.order_by("pk").first()


def accept(invitation: Invitation, user, *, request=None) -> None:
    """Join ``user`` to what the invitation is for and spend the invitation.

    Locks the invitation, so two clicks on the same link cannot both succeed.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise OnboardingError(_("This invitation can no longer be used."))
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        record(
            "invitation.accepted",
            invitation,
            actor=user,
            organisation=invitation.organisation,
            request=request,
        )
        if invitation.role == Invitation.Role.FACILITATOR:
            invitation.consultation.facilitators.add(user)
            record(
                "facilitator.added", invitation.consultation, actor=user, request=request,
                user=user.pk,
            )  # fmt: skip
            return
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
        )
        if created:
            record(
                "membership.added", membership, actor=user, organisation=membership.organisation,
                request=request, user=user.pk, role=membership.role,
            )  # fmt: skip
        elif invitation.role == Invitation.Role.FOCAL_POINT and not membership.is_focal_point:
            membership.role = Membership.Role.FOCAL_POINT
            membership.save(update_fields=["role"])
            record(
                "membership.changed", membership, actor=user, organisation=membership.organisation,
                request=request, user=user.pk, role=membership.role,
            )  # fmt: skip


def create_account(invitation: Invitation, *, first_name, last_name, password, request=None):
    """A new account named by the invited address, joined to the invitation's target.

    Locks the invitation before creating the account: of two submissions of the form (a
    double click), the second waits for the first and finds the invitation spent.
    """
    User = get_user_model()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise OnboardingError(_("This invitation can no longer be used."))
        user = User(
            username=invitation.email,
            email=invitation.email,
            first_name=first_name,
            last_name=last_name,
        )
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # The address got an account another way meanwhile (another invitation to it).
            raise OnboardingError(_("An account with this address already exists.")) from None
        record("user.created", user, actor=user, request=request, via="invitation")
        accept(invitation, user, request=request)
    return user


def remove_member(membership: Membership, *, by, request=None) -> None:
    with transaction.atomic():
        record(
            "membership.removed", membership, actor=by, organisation=membership.organisation,
            request=request, user=membership.user_id, role=membership.role,
        )  # fmt: skip
        membership.delete()


def restore_member(user, organisation: Organisation, *, by, request=None) -> Membership:
    """Undo a removal: the person is a delegate of ``organisation`` again (once, however often
    the undo is sent)."""
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": Membership.Role.DELEGATE}
        )
        if created:
            record(
                "membership.restored", membership, actor=by, organisation=organisation,
                request=request, user=user.pk, role=membership.role,
            )  # fmt: skip
        return membership


# Bulk registration ------------------------------------------------------------------------

BULK_GROUPS = ("member_state", "observer_state", "un_system")
# Rows are registered within the request: a file stays well under a proxy's time-out.
MAX_ROWS = 500
EMAIL_MAX_LENGTH = Invitation._meta.get_field("email").max_length


# Created; existing or refused (skipped, with the reason); failed (not saved).
OUTCOMES = ("created", "existing", "refused", "failed")


@dataclass
class RowResult:
    line: int
    name: str
    acronym: str
    outcome: str  # one of OUTCOMES
    reason: str = ""
    organisation: Organisation | None = None


@dataclass
class BulkReport:
    rows: list[RowResult] = field(default_factory=list)
    error: str = ""

    @property
    def by_outcome(self) -> dict[str, list[RowResult]]:
        """The rows under each outcome, every outcome present (the report's counts read 0)."""
        grouped = {outcome: [] for outcome in OUTCOMES}
        for row in self.rows:
            grouped[row.outcome].append(row)
        return grouped


def read_csv(data: bytes) -> tuple[list[dict], str]:
    """The rows of an uploaded file as dicts, or an error message naming the problem."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], _("The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”.")
    if "\x00" in text:
        # UTF-16 ("Unicode text") reads as UTF-8 with a NUL after each letter.
        return [], _("The file is not UTF-8 text: save it from your spreadsheet as “CSV UTF-8”.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        headers = [h.strip().lower() for h in (reader.fieldnames or [])]
        needed = ["name", "acronym", "group", "focal_point_email"]
        missing = [h for h in needed if h not in headers]
        if missing:
            return [], _(
                "The first line must name the columns %(needed)s; missing: %(missing)s."
            ) % {"needed": ", ".join(needed), "missing": ", ".join(missing)}
        rows = []
        for raw in reader:
            rows.append({(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()})
    except csv.Error as exc:
        # For example a line break alone ("\r") inside a line.
        return [], _("Line %(line)d cannot be read as CSV (%(problem)s).") % {
            "line": reader.line_num,
            "problem": exc,
        }
    if len(rows) > MAX_ROWS:
        return [], _("The file has %(count)d rows; send at most %(max)d at a time.") % {
            "count": len(rows),
            "max": MAX_ROWS,
        }
    return rows, ""


def _group(value: str, groups: dict) -> StakeholderGroup | None:
    key = value.strip().lower()
    return groups.get(key) or next((g for g in groups.values() if g.name.lower() == key), None)


def register_in_bulk(data: bytes, *, consultation, by, base_url, request=None) -> BulkReport:
    """Register Member States, observers and UN entities from a CSV file; invite focal points.
    Each organisation of the file, new or already registered, is accredited to
    ``consultation``: listing it is its facilitator's decision to admit it there.

    Each row stands alone: a refused row does not stop the others.
    """
    rows, error = read_csv(data)
    report = BulkReport(error=error)
    groups = {g.code: g for g in StakeholderGroup.objects.filter(code__in=BULK_GROUPS)}
    seen_names, seen_acronyms = set(), set()
    for line, row in enumerate(rows, start=2):
        name, acronym = row.get("name", ""), row.get("acronym", "")
        result = RowResult(line=line, name=name, acronym=acronym, outcome="refused")
        report.rows.append(result)
        group = _group(row.get("group", ""), groups)
        email = row.get("focal_point_email", "")
        try:
            name, acronym = (clean_typed(value, multiline=False) for value in (name, acronym))
        except ValidationError as error:
            result.reason = error.messages[0]
            continue
        if not name or not acronym:
            result.reason = _("Name and acronym are both required.")
            continue
        if len(name) > 200 or len(acronym) > 30:
            result.reason = _("The name (200) or the acronym (30 characters) is too long.")
            continue
        if group is None:
            result.reason = _(
                "Unknown group “%(group)s”: use member_state, observer_state or un_system; other "
                "stakeholders request accreditation themselves."
            ) % {"group": row.get("group", "")}
            continue
        try:
            validate_email(email)
        except ValidationError:
            result.reason = _("“%(email)s” is not an email address.") % {"email": email}
            continue
        if len(email) > EMAIL_MAX_LENGTH:
            result.reason = _("The email address is longer than %(max)d characters.") % {
                "max": EMAIL_MAX_LENGTH
            }
            continue
        if name.lower() in seen_names or acronym.lower() in seen_acronyms:
            result.reason = _("The same organisation appears earlier in this file.")
            continue
        seen_names.add(name.lower())
        seen_acronyms.add(acronym.lower())
        existing = duplicate_of(name, acronym, group)
        if existing is not None:
            result.outcome = "existing"
            result.organisation = existing
            with transaction.atomic():
                if existing.accredit(consultation):
                    record(
                        "organisation.accredited",
                        existing,
                        actor=by,
                        request=request,
                        via="csv",
                        consultation=consultation.slug,
                    )
            result.reason = _("Already registered as %(name)s (%(acronym)s), %(group)s.") % {
                "name": existing.name,
                "acronym": existing.acronym,
                "group": existing.group.name,
            }
            continue
        try:
            with transaction.atomic():
                organisation = Organisation.objects.create(name=name, acronym=acronym, group=group)
                organisation.accredit(consultation)
                record(
                    "organisation.registered",
                    organisation,
                    actor=by,
                    request=request,
                    via="csv",
                    consultation=consultation.slug,
                )
                _invite_focal_point(email, organisation, by=by, base_url=base_url, request=request)
        except DatabaseError:
            # Registered at the same moment by someone else, say: the row's savepoint is rolled
            # back, the rows before and after it stand.
            log.exception("Bulk registration: line %d could not be saved", line)
            result.outcome = "failed"
            result.reason = _(
                "The database refused this row, perhaps registered at the same moment by someone "
                "else; nothing of it was kept. Send it again to see why."
            )
            continue
        result.outcome = "created"
        result.organisation = organisation
    return report
