from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "wsis.audit"
    verbose_name = _("Audit log")

    def ready(self):
        from wsis.audit.roles import grant_after_migrate

        post_migrate.connect(grant_after_migrate, sender=self)
