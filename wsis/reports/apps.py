from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "wsis.reports"
    verbose_name = _("Reports")

    def ready(self):
        from wsis.reports.weasy import fix_pydyf

        fix_pydyf()
