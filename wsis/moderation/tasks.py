"""Mail about moderation, composed by Celery after the change has committed.

Tasks take primary keys and read the current state, render each mail and hand it to the mail
task (``wsis.mail``), which retries a mail server that is down with growing delays, one mail at
a time: a failure on the third person's mail does not send the first two theirs again.
"""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from wsis import mail
from wsis.comments.models import Entry
from wsis.drafts.models import Consultation
from wsis.moderation.models import DigestMarker, MailPreference, Notification


@shared_task
def send_notifications(user_pks: list[int]) -> int:
    """Mail each of these people who takes mail as it happens what they were not mailed yet."""
    immediate = (
        get_user_model()
        .objects.filter(pk__in=user_pks)
        .exclude(mail_preference__mode=MailPreference.Mode.DAILY)
        .values_list("pk", flat=True)
    )
    return sum(mail_notifications(pk) for pk in immediate)


@shared_task
def send_daily_notifications() -> int:
    """Once a day: everyone's notifications not mailed yet (the digests, and any batch whose
    task a broker lost)."""
    users = Notification.objects.unmailed().values_list("user_id", flat=True).distinct()
    return sum(mail_notifications(pk) for pk in sorted(set(users)))


def mail_notifications(user_pk: int) -> int:
    """One mail to one person with everything not mailed yet, each item linked to its page;
    1 if a mail went out. Rows another task is mailing are skipped, never mailed twice."""
    with transaction.atomic():
        rows = list(
            Notification.objects.unmailed()
            .filter(user_id=user_pk)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "user",
                "by_organisation",
                "entry__organisation",
                "entry__paragraph",
                "entry__version__consultation",
            )  # fmt: skip
            .order_by("created", "pk")
        )
        if not rows:
            return 0
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
            mailed_at=timezone.now()
        )
        user = rows[0].user
        if not (user.email and user.is_active):
            return 0
        site = settings.SITE_URL.rstrip("/")
        for row in rows:
            row.link = site + reverse("comments:entry", args=[row.entry_id])
        context = {
            "user": user,
            "notifications": rows,
            "consultation": rows[0].entry.version.consultation,
            "list_link": site + reverse("notifications:list"),
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject, body = mail.render_mail(
                "moderation/mail/notify_subject.txt", "moderation/mail/notify_body.txt", context
            )
        mail.queue(subject, body, [user.email])
    return 1


@shared_task
def send_digests() -> int:
    """Once a day: every consultation's new submissions, to its facilitators."""
    return sum(send_digest(pk) for pk in Consultation.objects.values_list("pk", flat=True))


def send_digest(consultation_pk: int) -> int:
    """Mail the facilitators what was submitted since the last digest; 1 if a mail went out."""
    now = timezone.now()
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation_pk)
        marker = DigestMarker.objects.filter(consultation=consultation).first()
        entries = Entry.objects.filter(
            version__consultation=consultation,
            status=Entry.Status.SUBMITTED,
            submitted_at__lte=now,
        )
        if marker is not None:
            entries = entries.filter(submitted_at__gt=marker.sent_up_to)
        entries = list(
            entries.select_related("organisation__group", "paragraph").order_by(
                "paragraph__order", "organisation__name"
            )
        )
        recipients = [u.email for u in consultation.facilitators.all() if u.email and u.is_active]
        if entries and recipients:
            context = {"consultation": consultation, "entries": entries, "since": marker}
            with translation.override(settings.LANGUAGE_CODE):
                subject, body = mail.render_mail(
                    "moderation/mail/digest_subject.txt", "moderation/mail/digest_body.txt", context
                )
            # Queued when the marker moves, so the next digest neither repeats nor skips these.
            mail.queue(subject, body, recipients)
        DigestMarker.objects.update_or_create(
            consultation=consultation, defaults={"sent_up_to": now}
        )
    return 1 if entries and recipients else 0
