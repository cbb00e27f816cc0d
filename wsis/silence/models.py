from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SilenceQuerySet(models.QuerySet):
    def latest_on(self, version):
        """The version's newest silence procedure (running or over), or None."""
        return self.filter(version=version).order_by("-started", "-pk").first()


class Silence(models.Model):
    """A version circulated under silence until ``deadline``: if nobody breaks it, it is agreed.

    ``deadline`` is when silence ends: extended by the facilitators, or brought forward to the
    moment they end it early (``ended_early``). The version's ``silence_until`` mirrors it, so
    that the comment services, below this app, refuse writes while it runs.
    """

    version = models.ForeignKey("drafts.Version", on_delete=models.CASCADE, related_name="silences")
    deadline = models.DateTimeField(_("deadline"))
    started = models.DateTimeField(_("started"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_early = models.BooleanField(_("ended early"), default=False)
    # The reasons (and proposals) given are for the facilitators until they publish them.
    reasons_published = models.BooleanField(_("reasons published"), default=False)

    objects = SilenceQuerySet.as_manager()

    class Meta:
        ordering = ["version", "-started"]
        verbose_name = _("silence procedure")
        verbose_name_plural = _("silence procedures")

    def __str__(self):
        return f"{self.version} until {self.deadline:%Y-%m-%d %H:%M}"

    def is_running(self, at: datetime | None = None) -> bool:
        return (at or timezone.now()) < self.deadline


class Break(models.Model):
    """An organisation breaking silence on one paragraph, with its reason and perhaps wording."""

    silence = models.ForeignKey(Silence, on_delete=models.CASCADE, related_name="breaks")
    paragraph = models.ForeignKey(
        "drafts.Paragraph", on_delete=models.CASCADE, related_name="silence_breaks"
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation", on_delete=models.CASCADE, related_name="silence_breaks"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    proposal = models.TextField(_("proposed wording"), blank=True)
    created = models.DateTimeField(_("broken at"), auto_now_add=True)

    class Meta:
        ordering = ["paragraph__order", "organisation__acronym"]
        constraints = [
            models.UniqueConstraint(
                fields=["silence", "paragraph", "organisation"], name="one_break_per_paragraph"
            )
        ]
        verbose_name = _("break of silence")
        verbose_name_plural = _("breaks of silence")

    def __str__(self):
        return f"{self.organisation} on {self.paragraph}"
