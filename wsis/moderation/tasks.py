"""Mail about moderation, composed by Celery after the change has committed.

Tasks take primary keys and read the current state, render each mail and hand it to the mail
task (``wsis.mail``), which retries a mail server that is down with growing delays, one mail at
a time: a failure on the third organisation does not send the first two their mail again.
"""

from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from wsis import mail
from wsis.comments.models import Entry
from wsis.drafts.models import Consultation
from wsis.moderation.models import DigestMarker
from wsis.stakeholders.models import Membership


@shared_task
def notify_organisations(entry_pks: list[int], event: str) -> int:
    """Mail each organisation's focal points about their entries just moderated or decided."""
    entries = (
        Entry.objects.filter(pk__in=entry_pks)
        .select_related("organisation", "paragraph", "version__consultation", "duplicate_of")
        .order_by("paragraph__order", "pk")
    )
    by_organisation = defaultdict(list)
    for entry in entries:
        by_organisation[entry.organisation].append(entry)
    focal_points = defaultdict(list)
    for membership in Membership.objects.filter(
        organisation__in=list(by_organisation), role=Membership.Role.FOCAL_POINT
    ).select_related("user"):
        if membership.user.email and membership.user.is_active:
            focal_points[membership.organisation_id].append(membership.user.email)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for organisation, its_entries in by_organisation.items():
            recipients = focal_points.get(organisation.pk)
            if not recipients:
                continue
            context = {
                "organisation": organisation,
                "entries": its_entries,
                "event": event,
                "consultation": its_entries[0].version.consultation,
            }
            subject, body = mail.render_mail(
                "moderation/mail/notify_subject.txt", "moderation/mail/notify_body.txt", context
            )
            mail.queue(subject, body, recipients)
            sent += 1
    return sent


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
