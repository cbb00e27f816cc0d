"""Where each paragraph of a version stands in the negotiation, how it got there, and how far
the whole text has converged over time (issue #17, part 2)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def who():
    """The person who made a change (None for a command run with no user)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who"),
    )


class ParagraphStatus(models.Model):
    """A paragraph's status as the facilitators set it; a paragraph with no row is open."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        AGREED_INFORMALS = "agreed_informals", _("agreed in informals")
        AGREED_AD_REF = "agreed_ad_ref", _("agreed ad ref")
        PENDING = "pending", _("pending")
        SUGGESTED_FOR_CLOSURE = "suggested_closure", _("suggested for closure")
        CLOSED = "closed", _("closed")

    # The three stages of WHO's pandemic talks (white, yellow, green), which the heat map shows.
    class Stage(models.TextChoices):
        NOT_AGREED = "not_agreed", _("not agreed")
        WORKING_GROUP = "working_group", _("agreed in informals")
        PLENARY = "plenary", _("agreed ad ref or closed")

    STAGES = {
        Status.AGREED_INFORMALS: Stage.WORKING_GROUP,
        Status.AGREED_AD_REF: Stage.PLENARY,
        Status.CLOSED: Stage.PLENARY,
    }

    paragraph = models.OneToOneField(
        "drafts.Paragraph", on_delete=models.CASCADE, related_name="negotiation_status"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.OPEN)
    waiting_for = models.ManyToManyField(
        "stakeholders.Organisation",
        blank=True,
        related_name="+",
        verbose_name=_("pending the delegations"),
    )
    # Paragraphs of a version sharing a package name were agreed together, as a package.
    package = models.CharField(_("agreed as the package"), max_length=100, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("paragraph status")
        verbose_name_plural = _("paragraph statuses")

    def __str__(self):
        return f"{self.paragraph} · {self.get_status_display()}"

    @property
    def stage(self) -> "ParagraphStatus.Stage":
        return self.STAGES.get(self.status, self.Stage.NOT_AGREED)

    @property
    def is_agreed_ad_ref(self) -> bool:
        """Agreed pending the whole (a closed paragraph was agreed, then closed)."""
        return self.stage == self.Stage.PLENARY


class StatusChange(models.Model):
    """One change of a paragraph's status: who, when, before, after and why."""

    paragraph = models.ForeignKey(
        "drafts.Paragraph", on_delete=models.CASCADE, related_name="status_changes"
    )
    created = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = who()
    before = models.CharField(_("before"), max_length=20, choices=ParagraphStatus.Status)
    after = models.CharField(_("after"), max_length=20, choices=ParagraphStatus.Status)
    # Acronyms as they were at the time: the history reads the same if an organisation goes.
    waiting_for = models.JSONField(_("pending the delegations"), default=list, blank=True)
    package = models.CharField(_("agreed as the package"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.paragraph}: {self.get_before_display()} → {self.get_after_display()}"


class ConvergenceSnapshot(models.Model):
    """The convergence counts of a version at one moment (after a reading, say)."""

    version = models.ForeignKey(
        "drafts.Version", on_delete=models.CASCADE, related_name="convergence_snapshots"
    )
    label = models.CharField(_("label"), max_length=100)
    created = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = who()
    paragraphs = models.PositiveIntegerField(_("paragraphs"))
    agreed = models.PositiveIntegerField(_("agreed ad ref"))
    informals = models.PositiveIntegerField(_("agreed in informals"))
    brackets = models.PositiveIntegerField(_("brackets"))
    alternatives = models.PositiveIntegerField(_("alternatives"))

    class Meta:
        ordering = ["version", "created", "pk"]
        verbose_name = _("convergence snapshot")
        verbose_name_plural = _("convergence snapshots")

    def __str__(self):
        return f"{self.version} · {self.label}"


def status_scope(version_id) -> str:
    """The cache scope (``wsis.cache``) of a version's statuses and convergence counts."""
    return f"statuses:{version_id}"


def statuses(version) -> dict[int, ParagraphStatus]:
    """The version's paragraphs that have a status row, by paragraph id (any other is open),
    each with the delegations it waits for."""
    rows = (
        ParagraphStatus.objects.filter(paragraph__version=version)
        .select_related("paragraph")
        .prefetch_related("waiting_for")
    )
    return {row.paragraph_id: row for row in rows}
