"""Every sign-in, failed sign-in and sign-out goes to the audit log."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from wsis.audit.models import record


@receiver(user_logged_in, dispatch_uid="audit_signed_in")
def signed_in(sender, request, user, **kwargs):
    record("user.signed_in", user, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_signed_out")
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        record("user.signed_out", user, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    User = get_user_model()
    username = str(credentials.get("username", ""))[:150]
    # The target is the account tried when there is one; the log is for staff, not outsiders.
    user = User.objects.filter(username=username).first() or User(username=username)
    record("user.sign_in_failed", user, request=request, username=username)
