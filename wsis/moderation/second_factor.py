"""Enrolling an authenticator app: never with a password alone.

Whoever enrols the first device of an account owns its second factor, so a page that lets
anyone signed in enrol one would give it to whoever stole the password first. A device is
enrolled only through an ``EnrolmentLink``: single use, valid for a day, issued to one named
account by an operator (``manage.py enrolment_link``) or by a facilitator of the same
consultation who has confirmed their own second factor, handed over out of band, and opened
by that account signed in with its password (OWASP ASVS 5.0, V6.4: authentication factor
life cycle and recovery). Enrolling through a link replaces the account's earlier devices:
it is also how a lost phone is replaced.
"""

from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from wsis.audit.models import record
from wsis.moderation.models import EnrolmentLink


def issue_link(user, *, by=None, request=None) -> str:
    """A new enrolment link's token for ``user`` (their earlier links void), audited."""
    with transaction.atomic():
        link, token = EnrolmentLink.issue(user, by=by)
        record("user.enrolment_link_issued", user, actor=by, request=request, link=link.pk)
    return token


def link_for(request: HttpRequest, token: str) -> EnrolmentLink:
    """The link a token stands for, if it was issued to the signed-in user; 404 otherwise,
    so that a link says nothing to another account."""
    if len(token) > 100:
        raise Http404
    return get_object_or_404(
        EnrolmentLink.objects.select_related("device"),
        token_hash=EnrolmentLink.hash(token),
        user=request.user,
    )


def device_of(link: EnrolmentLink) -> TOTPDevice:
    """The unconfirmed device whose key the link shows, made on first opening."""
    if link.device is None:
        with transaction.atomic():
            link.device = TOTPDevice.objects.create(
                user=link.user, name=_("Authenticator app"), confirmed=False
            )
            link.save(update_fields=["device"])
    return link.device


def enrol(request: HttpRequest, link: EnrolmentLink, code: str) -> bool:
    """Confirm the link's device with a code from the app; spend the link, replace the
    account's other devices and verify this session. False if the code is wrong or the link
    was spent or expired meanwhile."""
    device = device_of(link)
    if not device.verify_token(code):
        return False
    with transaction.atomic():
        locked = EnrolmentLink.objects.select_for_update().get(pk=link.pk)
        if not locked.is_open:
            return False
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
        TOTPDevice.objects.filter(user=link.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(
            "user.second_factor_enrolled",
            link.user,
            request=request,
            link=link.pk,
            issued_by=link.issued_by_id,
        )
    otp_login(request, device)
    return True


def verify(request: HttpRequest, device: TOTPDevice, code: str) -> bool:
    """Confirm this session's second factor with a code from ``device``, the account's enrolled
    app, and record it; False if the code is wrong or expired."""
    if not device.verify_token(code):
        return False
    with transaction.atomic():
        otp_login(request, device)
        record("user.second_factor_verified", request.user, request=request)
    return True
