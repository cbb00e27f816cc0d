from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoomConfig(AppConfig):
    name = "wsis.room"
    verbose_name = _("Readings")

    def ready(self):
        # Connects the room to statuses set anywhere (``negotiation.services.statuses_changed``),
        # in every process, whether or not it serves the room's pages.
        from wsis.room import services  # noqa: F401
