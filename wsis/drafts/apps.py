from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from wsis.cache import renew_paragraphs


class DraftsConfig(AppConfig):
    name = "wsis.drafts"
    verbose_name = _("Drafts")

    def ready(self):
        # A panel caches its paragraph with its version, consultation, round and extensions.
        for model in ("Consultation", "Version", "CommentRound", "DeadlineExtension", "Paragraph"):
            sender = self.get_model(model)
            post_save.connect(renew_paragraphs, sender=sender, dispatch_uid=f"panel-{model}")
            post_delete.connect(renew_paragraphs, sender=sender, dispatch_uid=f"panel-{model}")
