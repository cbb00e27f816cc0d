from django.contrib import admin

from wsis.admin_site import ViewOnly
from wsis.audit.models import record
from wsis.drafts.models import (
    CommentRound,
    Consultation,
    DeadlineExtension,
    Paragraph,
    Section,
    Version,
)


class VersionInline(ViewOnly, admin.TabularInline):
    model = Version
    fields = ["label", "title", "order", "status"]
    extra = 0
    show_change_link = True


# Operators create consultations and name their first facilitators here; every save is
# audited, with the facilitators it added or removed. Deleting one would take its versions
# and entries with it: never from here.
@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "time_zone", "publish_immediately"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["facilitators"]
    inlines = [VersionInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_related(self, request, form, formsets, change):
        consultation = form.instance
        before = set(consultation.facilitators.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(consultation.facilitators.values_list("pk", flat=True))
        record(
            "consultation.changed" if change else "consultation.created",
            consultation,
            request=request,
            via="admin",
            fields=[name for name in form.changed_data if name != "facilitators"],
            facilitators_added=sorted(after - before),
            facilitators_removed=sorted(before - after),
        )


class SectionInline(ViewOnly, admin.TabularInline):
    model = Section
    fields = ["order", "heading"]
    extra = 0


# Versions, their text and rounds change through the revision and round pages, audited there.
@admin.register(Version)
class VersionAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["label", "consultation", "order", "status", "created"]
    list_filter = ["consultation", "status"]
    search_fields = ["label", "title"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["heading", "version", "order"]
    list_filter = ["version__consultation", "version"]
    search_fields = ["heading"]
    ordering = ["version", "order"]


@admin.register(Paragraph)
class ParagraphAdmin(ViewOnly, admin.ModelAdmin):
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


class ExtensionInline(ViewOnly, admin.TabularInline):
    model = DeadlineExtension
    extra = 0


@admin.register(CommentRound)
class CommentRoundAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["version", "opens_at", "closes_at"]
    list_filter = ["version__consultation"]
    inlines = [ExtensionInline]
