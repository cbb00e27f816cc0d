from django.contrib import admin

from wsis.stakeholders.models import (
    AccreditationRequest,
    Invitation,
    Membership,
    Organisation,
    StakeholderGroup,
)


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


# Decisions and invitations go through the site's pages, which mail and audit them; the admin
# only shows them.
class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccreditationRequest)
class AccreditationRequestAdmin(ReadOnlyAdmin):
    list_display = ["name", "acronym", "group", "status", "created", "decided_by"]
    list_filter = ["status", "group", "consultation"]
    list_select_related = ["group", "decided_by"]
    search_fields = ["name", "acronym", "contact_email"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "role", "organisation", "consultation", "created", "expires_at",
                    "accepted_at", "revoked_at"]  # fmt: skip
    list_filter = ["role"]
    list_select_related = ["organisation", "consultation"]
    search_fields = ["email", "organisation__name", "organisation__acronym"]
    exclude = ["token_hash"]
