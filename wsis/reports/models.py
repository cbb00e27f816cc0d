from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportJob(models.Model):
    """A compilation someone asked for; the worker writes its state and file back here."""

    class Kind(models.TextChoices):
        COMPILATION = "compilation", _("consolidated compilation")
        SUBMISSION = "submission", _("organisation's submission")
        ENTRIES = "entries", _("all entries")
        COMPARISON = "comparison", _("comparison of two versions")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        CSV = "csv", "CSV"

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RENDERING = "rendering", _("rendering")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_jobs"
    )
    version = models.ForeignKey(
        "drafts.Version", on_delete=models.CASCADE, related_name="report_jobs"
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_jobs",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    format = models.CharField(_("format"), max_length=4, choices=Format, default=Format.PDF)
    options = models.JSONField(_("options"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(_("file"), upload_to="reports/", blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    input_hash = models.CharField(max_length=64, blank=True, db_index=True)
    error = models.TextField(_("error"), blank=True)
    created = models.DateTimeField(_("asked"), auto_now_add=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")

    def __str__(self):
        return f"{self.get_kind_display()} of {self.version} ({self.get_state_display()})"
