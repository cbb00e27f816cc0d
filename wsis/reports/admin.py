from django.contrib import admin

from wsis.admin_site import ViewOnly
from wsis.reports.models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(ViewOnly, admin.ModelAdmin):
    list_display = [
        "pk",
        "kind",
        "format",
        "version",
        "organisation",
        "state",
        "progress",
        "created",
    ]
    list_filter = ["state", "kind", "format"]
