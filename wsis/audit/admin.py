from django.contrib import admin

from wsis.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created", "actor", "action", "target", "organisation", "ip_address"]
    list_filter = ["action"]
    search_fields = ["target", "actor__username", "action"]
    date_hierarchy = "created"

    # The log is append-only: it can be read here, never edited.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
