from django.db import models
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
