from django.contrib import admin
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from wsis.admin_site import ViewOnly
from wsis.moderation.models import EnrolmentLink

# A device is enrolled only through an enrolment link (wsis/moderation/second_factor.py), never
# made or edited here; its key is never shown (OTP_ADMIN_HIDE_SENSITIVE_DATA).
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class DeviceAdmin(ViewOnly, TOTPDeviceAdmin):
    pass


@admin.register(EnrolmentLink)
class EnrolmentLinkAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ["user", "issued_by", "created", "expires_at", "used_at"]
    list_select_related = ["user", "issued_by"]
    search_fields = ["user__username", "user__email"]
    exclude = ["token_hash"]
