import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StakeholderGroup(models.Model):
    """One of the seven groups; created by a data migration, ordered Member States first."""

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["order"]
        verbose_name = _("stakeholder group")
        verbose_name_plural = _("stakeholder groups")

    def __str__(self):
        return self.name


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, unique=True)
    group = models.ForeignKey(
        StakeholderGroup,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("stakeholder group"),
    )
    country = models.CharField(_("country or seat"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    # A negotiating group (G77 and China, the EU, the African Group) speaks for its members:
    # the rolling text names the group, not each member proposing the same change.
    is_negotiating_group = models.BooleanField(_("negotiating group"), default=False)
    members = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="negotiating_groups",
        verbose_name=_("members (for a negotiating group)"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="unique_organisation_name")
        ]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @property
    def attribution(self) -> str:
        """How a compilation names the organisation: “Name (group)”."""
        return f"{self.name} ({self.group.name})"

    def is_accredited_to(self, consultation) -> bool:
        return self.accreditations.filter(consultation=consultation).exists()

    def accredit(self, consultation) -> bool:
        """Accredit it to ``consultation``, once; whether it was not accredited yet."""
        return Accreditation.objects.get_or_create(organisation=self, consultation=consultation)[1]


class Accreditation(models.Model):
    """An organisation admitted to take part in a consultation: to write, submit, support and
    compile its own submission there. Made by approving its request or registering it in bulk.
    Reading published text needs none."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="accreditations"
    )
    consultation = models.ForeignKey(
        "drafts.Consultation", on_delete=models.CASCADE, related_name="accreditations"
    )
    created = models.DateTimeField(_("accredited"), auto_now_add=True)

    class Meta:
        ordering = ["consultation", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "consultation"], name="one_accreditation_per_consultation"
            )
        ]
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")

    def __str__(self):
        return f"{self.organisation} · {self.consultation}"


class Membership(models.Model):
    class Role(models.TextChoices):
        DELEGATE = "delegate", _("delegate")
        FOCAL_POINT = "focal_point", _("focal point")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role, default=Role.DELEGATE)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} · {self.organisation.acronym} ({self.get_role_display()})"

    @property
    def is_focal_point(self) -> bool:
        return self.role == self.Role.FOCAL_POINT


def duplicate_of(name: str, acronym: str, group) -> "Organisation | None":
    """The registered organisation a new one would duplicate: same name in the group, or acronym.

    Acronyms are unique across groups (the database says so), names only within a group.
    """
    return (
        Organisation.objects.select_related("group")
        .filter(
            models.Q(group=group, name__iexact=name.strip())
            | models.Q(acronym__iexact=acronym.strip())
        )
        .first()
    )


class AccreditationRequest(models.Model):
    """A stakeholder organisation asking to take part in a consultation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    consultation = models.ForeignKey(
        "drafts.Consultation", on_delete=models.CASCADE, related_name="accreditation_requests"
    )
    name = models.CharField(_("name of the organisation"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30)
    group = models.ForeignKey(
        StakeholderGroup, on_delete=models.PROTECT, verbose_name=_("stakeholder group")
    )
    country = models.CharField(_("country or seat"), max_length=100)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_email = models.EmailField(_("contact email"))
    justification = models.TextField(_("why you wish to take part"), max_length=3000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("accreditation request")
        verbose_name_plural = _("accreditation requests")

    def __str__(self):
        return f"{self.name} ({self.acronym})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class InvitationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """A single-use, time-limited link on which someone joins an organisation or the facilitators.

    Only a hash of the token is stored: a leaked database does not leak usable links.
    """

    class Role(models.TextChoices):
        DELEGATE = "delegate", _("delegate")
        FOCAL_POINT = "focal_point", _("focal point")
        FACILITATOR = "facilitator", _("facilitator")

    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=12, choices=Role)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    consultation = models.ForeignKey(
        "drafts.Consultation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="facilitator", consultation__isnull=False)
                | (~models.Q(role="facilitator") & models.Q(organisation__isnull=False)),
                name="invitation_has_a_target",
            )
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.organisation or self.consultation} ({self.role})"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, *, email, role, invited_by, organisation=None, consultation=None, token=None):
        """Create an invitation; return it with its clear token, which is never stored."""
        token = token or secrets.token_urlsafe(32)
        max_age = timedelta(days=settings.INVITATION_MAX_AGE_DAYS)
        invitation = cls.objects.create(
            email=email.strip().lower(),
            role=role,
            organisation=organisation,
            consultation=consultation,
            invited_by=invited_by,
            token_hash=cls.hash(token),
            expires_at=timezone.now() + max_age,
        )
        return invitation, token

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    @property
    def target_name(self) -> str:
        if self.role == self.Role.FACILITATOR:
            return str(self.consultation)
        return self.organisation.name
