"""Mails of onboarding; each goes out after the transaction that caused it commits.

A rolled-back approval must not have told anyone they were approved.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string


def send_after_commit(template: str, to: str, context: dict) -> None:
    subject = render_to_string(f"stakeholders/email/{template}_subject.txt", context)
    body = render_to_string(f"stakeholders/email/{template}.txt", context)
    subject = " ".join(subject.split())
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    )
