"""Readings: a version read paragraph by paragraph, with the pen in the facilitator's hand.

A reading keeps, per paragraph, the working wording the room arrives at (the version's own text
stays as it is) and a log of what happened there: who took the floor, how the wording changed,
the status before and after. The log stays once the reading is closed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wsis.drafts.models import Paragraph, Version
from wsis.stakeholders.models import Organisation

ORDINALS = [
    pgettext_lazy("reading", "First reading"),
    pgettext_lazy("reading", "Second reading"),
    pgettext_lazy("reading", "Third reading"),
    pgettext_lazy("reading", "Fourth reading"),
    pgettext_lazy("reading", "Fifth reading"),
]
# The convergence snapshot taken as each reading closes is named after it.
AFTER_ORDINALS = [
    pgettext_lazy("reading", "After the first reading"),
    pgettext_lazy("reading", "After the second reading"),
    pgettext_lazy("reading", "After the third reading"),
    pgettext_lazy("reading", "After the fourth reading"),
    pgettext_lazy("reading", "After the fifth reading"),
]
# How many paragraphs the room may show at once from the one under the pen.
MAX_SPAN = 5


class Reading(models.Model):
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="readings")
    number = models.PositiveSmallIntegerField(_("number"))
    # Where the pen is: the paragraph the room reads now, and how many it shows from there.
    paragraph = models.ForeignKey(
        Paragraph, on_delete=models.PROTECT, related_name="+", verbose_name=_("paragraph")
    )
    span = models.PositiveSmallIntegerField(_("paragraphs shown"), default=1)
    # One more on every change, so that a stream never replaces a newer screen by an older one
    # when two changes commit close together.
    revision = models.PositiveIntegerField(_("revision"), default=0)
    opened = models.DateTimeField(_("opened"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="unique_reading_number"),
            # One room per version at a time: two open readings would split the room.
            models.UniqueConstraint(
                fields=["version"], condition=Q(closed__isnull=True), name="one_open_reading"
            ),
        ]
        verbose_name = _("reading")
        verbose_name_plural = _("readings")

    def __str__(self):
        return f"{self.version.label}: {self.name}"

    @property
    def name(self) -> str:
        if self.number <= len(ORDINALS):
            return str(ORDINALS[self.number - 1])
        return str(_("Reading %(number)s") % {"number": self.number})

    @property
    def after_name(self) -> str:
        """The name of the convergence snapshot taken as the reading closes."""
        if self.number <= len(AFTER_ORDINALS):
            return str(AFTER_ORDINALS[self.number - 1])
        return str(_("After reading %(number)s") % {"number": self.number})

    @property
    def is_open(self) -> bool:
        return self.closed is None


class Wording(models.Model):
    """The working wording of a paragraph in a reading, as the facilitator types it."""

    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="wordings")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("working wording"))
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reading", "paragraph"], name="one_wording_per_reading")
        ]
        verbose_name = _("working wording")
        verbose_name_plural = _("working wordings")

    def __str__(self):
        return f"{self.reading}, {self.paragraph}"


class LogEntry(models.Model):
    """One thing that happened on a paragraph during a reading."""

    class Kind(models.TextChoices):
        FLOOR = "floor", _("took the floor")
        WORDING = "wording", _("wording changed")
        STATUS = "status", _("status changed")

    reading = models.ForeignKey(Reading, on_delete=models.CASCADE, related_name="log")
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Who took the floor: an organisation, or anyone else by name (a chair, an observer).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    # The wording or the status, before and after the change.
    before = models.TextField(_("before"), blank=True)
    after = models.TextField(_("after"), blank=True)

    class Meta:
        ordering = ["reading", "at", "pk"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")

    def __str__(self):
        return f"{self.paragraph}: {self.get_kind_display()}"

    @property
    def who_spoke(self) -> str:
        return self.organisation.acronym if self.organisation else self.speaker
