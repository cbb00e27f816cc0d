from django.contrib import admin

from wsis.admin_site import ViewOnly
from wsis.comments.models import Entry, MarkupImport, Support


class SupportInline(ViewOnly, admin.TabularInline):
    model = Support
    extra = 0


# Entries change through their pages (deadlines, roles, moderation, decisions), audited there.
@admin.register(Entry)
class EntryAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["pk", "paragraph", "organisation", "kind", "status", "moderation", "decision"]
    list_filter = ["status", "moderation", "decision", "kind", "organisation__group", "version"]
    list_select_related = ["paragraph", "organisation"]
    search_fields = ["text", "proposed_text", "organisation__name", "organisation__acronym"]
    inlines = [SupportInline]


# Made by the upload page or ``import_markup``, audited there.
@admin.register(MarkupImport)
class MarkupImportAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["pk", "organisation", "version", "filename", "uploaded_by", "created"]
    list_select_related = ["organisation", "version", "uploaded_by"]
    search_fields = ["filename", "sha256", "organisation__acronym"]
