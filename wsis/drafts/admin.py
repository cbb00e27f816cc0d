from django.contrib import admin

from wsis.drafts.models import (
    CommentRound,
    Consultation,
    DeadlineExtension,
    Paragraph,
    Section,
    Version,
)


class VersionInline(admin.TabularInline):
    model = Version
    fields = ["label", "title", "order", "status"]
    extra = 0
    show_change_link = True


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "time_zone", "publish_immediately"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["facilitators"]
    inlines = [VersionInline]


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["order", "heading"]
    extra = 0


@admin.register(Version)
class VersionAdmin(admin.ModelAdmin):
    list_display = ["label", "consultation", "order", "status", "created"]
    list_filter = ["consultation", "status"]
    search_fields = ["label", "title"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["heading", "version", "order"]
    list_filter = ["version__consultation", "version"]
    search_fields = ["heading"]
    ordering = ["version", "order"]


@admin.register(Paragraph)
class ParagraphAdmin(admin.ModelAdmin):
    list_display = ["display_label", "version", "section", "order", "short_text"]
    list_display_links = ["display_label"]
    list_filter = ["version__consultation", "version", "kind", "section__heading"]
    list_select_related = ["version", "section"]
    search_fields = ["label", "text"]
    ordering = ["version", "order"]
    readonly_fields = ["lineage"]

    @admin.display(description="text")
    def short_text(self, paragraph):
        return paragraph.text[:90] + ("…" if len(paragraph.text) > 90 else "")


class ExtensionInline(admin.TabularInline):
    model = DeadlineExtension
    autocomplete_fields = ["organisation"]
    extra = 0


@admin.register(CommentRound)
class CommentRoundAdmin(admin.ModelAdmin):
    list_display = ["version", "opens_at", "closes_at"]
    list_filter = ["version__consultation"]
    inlines = [ExtensionInline]
