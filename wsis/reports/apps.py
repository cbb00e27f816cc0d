from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "wsis.reports"
    verbose_name = _("Reports")

    def ready(self):
        from wsis.drafts.models import Version
        from wsis.reports.part_cache import forget_deleted, forget_superseded
        from wsis.reports.weasy import fix_pydyf

        fix_pydyf()
        post_save.connect(forget_superseded, sender=Version, dispatch_uid="report-parts-superseded")
        post_delete.connect(forget_deleted, sender=Version, dispatch_uid="report-parts-deleted")
