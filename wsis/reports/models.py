from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class ReportJobQuerySet(models.QuerySet):
    def reusable(self, input_hash: str):
        """Jobs on identical inputs whose file is there or on its way: no need to render again."""
        return self.filter(
            input_hash=input_hash, state__in=[ReportJob.State.QUEUED, ReportJob.State.RENDERING]
        ) | self.filter(input_hash=input_hash, state=ReportJob.State.DONE).exclude(file="")

    def visible_to(self, version, organisation=None):
        """A facilitator's list (organisation None) or a focal point's own submissions."""
        jobs = self.filter(version=version).select_related("requested_by", "organisation")
        if organisation is not None:
            jobs = jobs.filter(kind=ReportJob.Kind.SUBMISSION, organisation=organisation)
        return jobs


class ReportJob(models.Model):
    """A compilation someone asked for; the worker writes its state and file back here."""

    class Kind(models.TextChoices):
        COMPILATION = "compilation", _("consolidated compilation")
        SUBMISSION = "submission", _("organisation's submission")
        ENTRIES = "entries", _("all entries")
        COMPARISON = "comparison", _("comparison of two versions")
        LEDGER = "ledger", _("ledger of an organisation")
        ROLLING = "rolling", _("rolling text")
        SILENCE = "silence", _("letter on a silence procedure")

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
    language = models.CharField(_("language"), max_length=10, default="en")
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    # When the job was last handed to the broker; None while the broker could not be reached.
    enqueued = models.DateTimeField(_("enqueued"), null=True, blank=True)
    created = models.DateTimeField(_("asked"), auto_now_add=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")

    def __str__(self):
        return f"{self.get_kind_display()} of {self.version} ({self.get_state_display()})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def file_name(self) -> str:
        """Where the file goes under MEDIA_ROOT: one name per job, so a rerun overwrites it."""
        return f"reports/{self.pk}-{self.input_hash[:12]}.{self.format}"

    @property
    def path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.file_name

    @property
    def download_name(self) -> str:
        parts = [self.version.consultation.slug, self.version.label, self.kind]
        if self.organisation_id:
            parts.append(self.organisation.acronym)
        return slugify("-".join(parts)) + f".{self.format}"

    def set_progress(self, percent: int) -> None:
        ReportJob.objects.filter(pk=self.pk, state=self.State.RENDERING).update(progress=percent)

    def start(self) -> None:
        self.state, self.started = self.State.RENDERING, timezone.now()
        self.progress, self.error = 5, ""
        self.save(update_fields=["state", "started", "progress", "error"])

    def finish(self, size: int, pages: int | None) -> None:
        self.state, self.finished, self.progress = self.State.DONE, timezone.now(), 100
        self.file.name, self.size, self.pages = self.file_name, size, pages
        self.save(update_fields=["state", "finished", "progress", "file", "size", "pages"])

    def fail(self, error: str) -> None:
        self.state, self.finished, self.error = self.State.FAILED, timezone.now(), error[:2000]
        self.save(update_fields=["state", "finished", "error"])


class ReportPart(models.Model):
    """A slice of a large compilation (paragraphs ``first``..``last``) laid out by one worker,
    or found in the cache under ``key`` (``wsis.reports.part_cache``)."""

    job = models.ForeignKey(ReportJob, on_delete=models.CASCADE, related_name="parts")
    index = models.PositiveSmallIntegerField()
    first = models.PositiveIntegerField(help_text="order of the first paragraph")
    last = models.PositiveIntegerField(help_text="order of the last paragraph")
    key = models.CharField(max_length=64)
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["job", "index"]
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="one_part_per_index")]

    def __str__(self):
        return f"part {self.index + 1} of job {self.job_id}"


class CachedPart(models.Model):
    """A part of a compilation laid out once, kept for the next compilation of the same inputs:
    its file is ``path``, named by the digest of those inputs (``key``)."""

    key = models.CharField(max_length=64, unique=True)
    version = models.ForeignKey("drafts.Version", on_delete=models.CASCADE, related_name="+")
    pages = models.PositiveIntegerField()
    # Section order -> page (from 0, in this part) where the section starts: for the contents.
    sections = models.JSONField(default=dict)
    size = models.PositiveBigIntegerField()
    # The least recently used parts go first when the cache is full.
    used = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"part {self.key[:12]} of {self.version_id} ({self.pages} pages)"

    @property
    def path(self) -> Path:
        return part_path(self.version_id, self.key)

    @property
    def laid_out(self) -> dict:
        """What ``parallel.merge`` needs of a part besides its file."""
        return {"pages": self.pages, "sections": self.sections}


PARTS_FOLDER = "report-parts"


def part_path(version_id: int, key: str) -> Path:
    """One folder per version, so that a superseded version's parts go at once."""
    return Path(settings.MEDIA_ROOT) / PARTS_FOLDER / str(version_id) / f"{key}.pdf"
