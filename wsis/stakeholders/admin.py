from django.contrib import admin

from wsis.stakeholders.models import Membership, Organisation, StakeholderGroup


@admin.register(StakeholderGroup)
class StakeholderGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    ordering = ["order"]


class MembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "group", "country"]
    list_filter = ["group"]
    list_select_related = ["group"]
    search_fields = ["name", "acronym", "country"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created"]
    list_filter = ["role", "organisation__group"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name", "organisation__acronym"]
    autocomplete_fields = ["user", "organisation"]
