"""Onboarding work done by Celery: the password reset mail."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation

from wsis import mail


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with its mail rendered as plain text and sent by the mail task."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email,
        html_email_template_name=None,
    ):  # fmt: skip
        subject, body = mail.render_mail(subject_template_name, email_template_name, context)
        mail.queue(subject, body, [to_email])


@shared_task
def send_password_reset(email: str, domain: str, use_https: bool) -> None:
    """Mail a reset link to each active account of this address; nothing if there is none.

    Run by a worker, so that the request answers in the same time whether or not the address
    has an account: looking it up, making the token and rendering the mail happen here.
    """
    form = QueuedPasswordResetForm({"email": email})
    if form.is_valid():
        with translation.override(settings.LANGUAGE_CODE):
            form.save(domain_override=domain, use_https=use_https)
