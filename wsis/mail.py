"""The one way the project sends mail: a retrying Celery task, queued after commit.

A request never talks to the mail server: it renders the mail and queues it once its
transaction commits, so a mail server that is down or slow delays the mail, never the answer,
and a rolled-back action has told nobody anything.

The task carries the rendered mail, not primary keys: an invitation's link holds a token that
is stored only hashed, and the mail is the one place the clear token goes. Carrying it in the
broker message (deleted once the task is acknowledged, as the mail server keeps the mail)
stores nothing durable that a leaked database or log would give away; the message's displayed
arguments (``argsrepr``, what logs and monitoring show) leave the body out.
"""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import Context, engines

log = logging.getLogger(__name__)

# Transient mail failures: connection refused, timeouts, a server that hangs up or answers 4xx.
MAIL_ERRORS = (smtplib.SMTPException, OSError)

RETRY = {
    "autoretry_for": MAIL_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 60 * 60,
    "retry_jitter": True,
    "max_retries": 12,
}


def render(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping: mail is not HTML, and
    ``Côte d'Ivoire`` must not arrive as ``Côte d&#x27;Ivoire``."""
    template = engines["django"].engine.get_template(template_name)
    return template.render(Context(context, autoescape=False))


def render_mail(subject_template: str, body_template: str, context: dict) -> tuple[str, str]:
    # A header is one line, whatever line breaks the template leaves.
    subject = " ".join(render(subject_template, context).split())
    return subject, render(body_template, context)


@shared_task(**RETRY)
def send(subject: str, body: str, to: list[str]) -> None:
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to).send()


def queue(subject: str, body: str, to: list[str]) -> None:
    """Queue the mail now; outside a transaction, or in a worker, that is at once."""
    transaction.on_commit(
        lambda: send.apply_async((subject, body, to), argsrepr=repr((subject, "…", to))),
        # The action has committed: a broker that is down loses this mail (logged), not the
        # answer to the person who acted.
        robust=True,
    )
