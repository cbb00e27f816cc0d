from django.contrib import admin

from wsis.reports.models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
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
    readonly_fields = ["input_hash", "created", "started", "finished", "error"]
    raw_id_fields = ["requested_by"]
