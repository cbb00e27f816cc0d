import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
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


class MailPreference(models.Model):
    """How a person wants the mail about their organisation's entries: each batch as it
    happens, or one digest a day. Without a row, as it happens."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("as it happens (one mail per batch of changes)")
        DAILY = "daily", _("one digest a day")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preference"
    )
    mode = models.CharField(_("mail"), max_length=10, choices=Mode, default=Mode.IMMEDIATE)

    class Meta:
        verbose_name = _("mail preference")
        verbose_name_plural = _("mail preferences")

    def __str__(self):
        return f"{self.user}: {self.mode}"

    @classmethod
    def mode_of(cls, user) -> str:
        return cls.objects.filter(user=user).values_list("mode", flat=True).first() or (
            cls.Mode.IMMEDIATE
        )


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def unmailed(self):
        return self.filter(to_mail=True, mailed_at__isnull=True)


class Notification(models.Model):
    """Something that happened to one of a person's organisation's entries, told to that person.

    Written by the services in the transaction of the change, one row per member of the
    organisation, so that the in-app list and its unread count are one indexed read per person,
    and the mail (to focal points) groups whatever was not mailed yet into one message.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    entry = models.ForeignKey(
        "comments.Entry", on_delete=models.CASCADE, related_name="notifications"
    )
    # The audit action that happened: entry.published, entry.rejected, entry.decided...
    action = models.CharField(_("what"), max_length=60)
    # For a support: the organisation that joined the proposal.
    by_organisation = models.ForeignKey(
        "stakeholders.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(_("when"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Only focal points are mailed (as before this list existed); everyone sees the list.
    to_mail = models.BooleanField(default=False)
    mailed_at = models.DateTimeField(_("mailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "-created"], name="notification_list"),
            # The header's unread count and the mail task read only these.
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["user"],
                condition=models.Q(to_mail=True, mailed_at__isnull=True),
                name="notification_unmailed",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.action} #{self.entry_id}"

    @property
    def what(self) -> str:
        """What happened, in words, with the reason or rationale a person gave (never the
        evidence the platform suggested an outcome from: that is not stored on the entry)."""
        entry = self.entry
        if self.action == "entry.published":
            return gettext("published")
        if self.action == "entry.rejected":
            if entry.moderation_reason:
                return gettext("rejected (reason: %(reason)s)") % {
                    "reason": entry.moderation_reason
                }
            return gettext("rejected")
        if self.action == "entry.hidden":
            return gettext("hidden by the facilitators")
        if self.action == "entry.decided":
            decision = entry.get_decision_display()
            if entry.decision_rationale:
                return gettext("decided: %(decision)s (rationale: %(rationale)s)") % {
                    "decision": decision,
                    "rationale": entry.decision_rationale,
                }
            return gettext("decided: %(decision)s") % {"decision": decision}
        if self.action == "entry.supported":
            return gettext("supported by %(name)s") % {"name": self.by_organisation.attribution}
        if entry.duplicate_of_id:
            return gettext("marked as a duplicate of entry #%(pk)s") % {"pk": entry.duplicate_of_id}
        return gettext("no longer marked as a duplicate")
