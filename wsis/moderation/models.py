import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DigestMarker(models.Model):
    """Up to when the facilitators of a consultation have had their digest of new submissions.

    The next digest covers what was submitted after ``sent_up_to``, so a digest that
    fails and is retried, or a beat that fires twice, neither skips nor repeats entries.
    """

    consultation = models.OneToOneField(
        "drafts.Consultation", on_delete=models.CASCADE, related_name="digest_marker"
    )
    sent_up_to = models.DateTimeField(_("sent up to"))

    class Meta:
        verbose_name = _("digest marker")
        verbose_name_plural = _("digest markers")

    def __str__(self):
        return f"{self.consultation.slug}: {self.sent_up_to:%Y-%m-%d %H:%M}"


class EnrolmentLinkQuerySet(models.QuerySet):
    def open(self):
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class EnrolmentLink(models.Model):
    """A single-use, short-lived link with which one person enrols an authenticator app.

    A password alone never enrols a device: the link is issued to a named account by an
    operator (``manage.py enrolment_link``) or by a facilitator who has confirmed their own
    second factor, handed over out of band, and works only for that account, signed in.
    Only a hash of its token is stored.
    """

    MAX_AGE = timedelta(hours=24)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_links"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # None: issued by an operator on the command line.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    # The device whose key this link shows, made when it is first opened: never one made
    # before, whose key someone else may have seen.
    device = models.OneToOneField(
        "otp_totp.TOTPDevice", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    objects = EnrolmentLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment link")
        verbose_name_plural = _("enrolment links")

    def __str__(self):
        return f"{self.user} ({self.created:%Y-%m-%d %H:%M})"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user, *, by=None) -> tuple["EnrolmentLink", str]:
        """A new link for ``user``, voiding their earlier ones; with its clear token, which is
        never stored. Call inside the transaction that audits it."""
        cls.objects.open().filter(user=user).update(expires_at=timezone.now())
        token = secrets.token_urlsafe(32)
        link = cls.objects.create(
            user=user,
            token_hash=cls.hash(token),
            issued_by=by,
            expires_at=timezone.now() + cls.MAX_AGE,
        )
        return link, token

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()
