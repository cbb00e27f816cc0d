from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wsis.admin_site import ViewOnly
from wsis.audit.models import record
from wsis.stakeholders.models import (
    AccreditationRequest,
    Invitation,
    Membership,
    Organisation,
    StakeholderGroup,
)


# The groups come from a data migration; the compilations rely on their codes and order.
@admin.register(StakeholderGroup)
class StakeholderGroupAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["name", "code", "order"]
    ordering = ["order"]


class MembershipInline(ViewOnly, admin.TabularInline):
    model = Membership
    extra = 0


# Organisations join by accreditation or bulk registration; the admin corrects their details,
# audited, and never deletes one (its entries would go with it). Who belongs to it changes
# only by invitation and on the focal point's People page, audited there.
class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "acronym",
            "group",
            "country",
            "website",
            "is_negotiating_group",
            "members",
        ]

    def clean(self):
        cleaned = super().clean()
        members = cleaned.get("members")
        if members and not cleaned.get("is_negotiating_group"):
            self.add_error("members", _("Only a negotiating group has members."))
        elif members and self.instance.pk in {member.pk for member in members}:
            self.add_error("members", _("A group cannot be a member of itself."))
        return cleaned


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "acronym", "group", "is_negotiating_group", "country"]
    list_filter = ["group", "is_negotiating_group"]
    list_select_related = ["group"]
    search_fields = ["name", "acronym", "country"]
    filter_horizontal = ["members"]
    inlines = [MembershipInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(
            "organisation.changed" if change else "organisation.created",
            obj,
            request=request,
            organisation=obj,
            via="admin",
            fields=form.changed_data,
        )


@admin.register(Membership)
class MembershipAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created"]
    list_filter = ["role", "organisation__group"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name", "organisation__acronym"]


# Decisions and invitations go through the site's pages, which mail and audit them; the admin
# only shows them.
@admin.register(AccreditationRequest)
class AccreditationRequestAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["name", "acronym", "group", "status", "created", "decided_by"]
    list_filter = ["status", "group", "consultation"]
    list_select_related = ["group", "decided_by"]
    search_fields = ["name", "acronym", "contact_email"]


@admin.register(Invitation)
class InvitationAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["email", "role", "organisation", "consultation", "created", "expires_at",
                    "accepted_at", "revoked_at"]  # fmt: skip
    list_filter = ["role"]
    list_select_related = ["organisation", "consultation"]
    search_fields = ["email", "organisation__name", "organisation__acronym"]
    exclude = ["token_hash"]
