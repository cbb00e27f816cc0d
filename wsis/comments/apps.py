from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "wsis.comments"
    verbose_name = _("Comments")

    def ready(self):
        from wsis.comments.models import Entry, Support, entry_changed, support_changed

        # What readers see of entries is cached per audience (``wsis.cache``).
        for model, receiver in ((Entry, entry_changed), (Support, support_changed)):
            for signal in (post_save, post_delete):
                signal.connect(receiver, sender=model, dispatch_uid=f"cache-{model.__name__}")
