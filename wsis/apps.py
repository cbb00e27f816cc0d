from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin behind the second factor when facilitators need one."""

    default_site = "wsis.admin_site.AdminSite"
