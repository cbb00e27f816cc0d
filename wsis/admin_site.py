"""Django's admin for operators: behind the second factor, and only a window on the workflow.

With ``FACILITATOR_REQUIRE_2FA`` on, the admin is django-otp's ``OTPAdminSite``: only a staff
session verified with a one-time code gets in, and its sign-in form asks for the code.

Entries, supports, versions, rounds, memberships, invitations, report jobs... change only
through the site's pages, which check the workflow (deadlines, roles, moderation) and write
the audit log; the admin shows them (``ViewOnly``). What the admin still edits (consultations
and their facilitators, organisations) it audits.
"""

from django.conf import settings
from django.contrib import admin
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class AdminSite(OTPAdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)

    # Read at each request, so that the setting decides and tests can turn it on.
    @property
    def login_form(self):
        return OTPAdminAuthenticationForm if settings.FACILITATOR_REQUIRE_2FA else None

    @property
    def login_template(self):
        return OTPAdminSite.login_template if settings.FACILITATOR_REQUIRE_2FA else None

    def has_permission(self, request):
        if settings.FACILITATOR_REQUIRE_2FA:
            return super().has_permission(request)
        return admin.AdminSite.has_permission(self, request)


class ViewOnly:
    """For a ModelAdmin or an inline: view, never add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
