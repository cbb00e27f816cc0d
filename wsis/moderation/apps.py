from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "wsis.moderation"
    verbose_name = _("Moderation")

    def ready(self):
        from wsis.moderation import notifications

        notifications.connect()
