from django.conf import settings
from django.db import models
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


class OrganisationQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


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
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

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
