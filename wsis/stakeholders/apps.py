from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "wsis.stakeholders"
    verbose_name = _("Stakeholders")

    def ready(self):
        from wsis.stakeholders import people, signals  # noqa: F401  (signals: audit receivers)

        people.connect()
