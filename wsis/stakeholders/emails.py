"""Mails of onboarding, rendered in the request and sent by the mail task after commit.

A rolled-back approval must not have told anyone they were approved.
"""

from wsis import mail


def send_after_commit(template: str, to: str, context: dict) -> None:
    subject, body = mail.render_mail(
        f"stakeholders/email/{template}_subject.txt", f"stakeholders/email/{template}.txt", context
    )
    mail.queue(subject, body, [to])
