from django.contrib import admin

from wsis.admin_site import ViewOnly
from wsis.negotiation.models import ConvergenceSnapshot, ParagraphStatus, StatusChange


# Statuses change on the facilitators' pages and in the room, which keep the history and audit
# each change; the admin shows them and changes nothing.
@admin.register(ParagraphStatus)
class ParagraphStatusAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["paragraph", "status", "package", "updated", "updated_by"]
    list_filter = ["status", "paragraph__version"]
    list_select_related = ["paragraph", "updated_by"]


@admin.register(StatusChange)
class StatusChangeAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["paragraph", "before", "after", "actor", "created"]
    list_filter = ["after", "paragraph__version"]
    list_select_related = ["paragraph", "actor"]


@admin.register(ConvergenceSnapshot)
class ConvergenceSnapshotAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["version", "label", "paragraphs", "agreed", "brackets", "created"]
    list_select_related = ["version"]
