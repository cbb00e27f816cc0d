from django.contrib import admin

from wsis.comments.models import Entry, Support


class SupportInline(admin.TabularInline):
    model = Support
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]
    extra = 0


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["pk", "paragraph", "organisation", "kind", "status", "moderation", "decision"]
    list_filter = ["status", "moderation", "decision", "kind", "organisation__group", "version"]
    list_select_related = ["paragraph", "organisation"]
    search_fields = ["text", "proposed_text", "organisation__name", "organisation__acronym"]
    raw_id_fields = ["paragraph", "author", "duplicate_of"]
    autocomplete_fields = ["organisation"]
    readonly_fields = ["revision", "form_token", "created", "updated", "submitted_at"]
    inlines = [SupportInline]
