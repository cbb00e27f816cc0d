from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SilenceConfig(AppConfig):
    name = "wsis.silence"
    verbose_name = _("Silence procedures")
