"""What happened to an organisation's entries, told to its members: the in-app list and the
mail, from one ``Notification`` row per person and event.

The services call ``tell`` in the transaction of the change, so a rolled-back action tells
nobody anything. Mail is not sent per call: once the transaction commits, a task is queued a
little later for the focal points concerned, and it mails each of them everything not mailed
yet in one message. Decisions taken one by one in quick succession, a bulk action and the
outcomes page thus all arrive as one mail per person.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from wsis import cache
from wsis.audit.models import record
from wsis.comments.models import Entry, Support
from wsis.moderation import tasks
from wsis.moderation.models import MailPreference, Notification
from wsis.stakeholders.models import Membership

# How long after a change its mail waits for the changes that follow it.
BATCH_SECONDS = 60


def tell(entries, action: str, *, by_organisation=None) -> None:
    """Tell every active member of each entry's organisation about ``action``.

    Precondition: called inside the transaction that made the change."""
    entries = list(entries)
    if not entries:
        return
    members = Membership.objects.filter(
        organisation_id__in={entry.organisation_id for entry in entries}, user__is_active=True
    ).values_list("organisation_id", "user_id", "role")
    by_organisation_id = {}
    for organisation_id, user_id, role in members:
        by_organisation_id.setdefault(organisation_id, []).append(
            (user_id, role == Membership.Role.FOCAL_POINT)
        )
    rows = [
        Notification(
            user_id=user_id,
            entry=entry,
            action=action,
            by_organisation=by_organisation,
            to_mail=is_focal_point,
        )
        for entry in entries
        for user_id, is_focal_point in by_organisation_id.get(entry.organisation_id, [])
    ]
    Notification.objects.bulk_create(rows)
    # The header's unread counts (``context_processors.unread``).
    cache.renew_with_transaction(*{cache.person_scope(row.user_id) for row in rows})
    to_mail = sorted({row.user_id for row in rows if row.to_mail})
    if to_mail:
        # robust: a broker that is down must not turn a committed action into an error page;
        # the daily sweep mails what such a lost task left.
        transaction.on_commit(
            lambda: tasks.send_notifications.apply_async((to_mail,), countdown=BATCH_SECONDS),
            robust=True,
        )


def unread_count(user) -> int:
    return Notification.objects.unread().filter(user=user).count()


@transaction.atomic
def mark_read(user) -> int:
    """Mark everything ``user`` was told as read (they have opened the list)."""
    marked = Notification.objects.unread().filter(user=user).update(read_at=timezone.now())
    if marked:
        cache.renew_with_transaction(cache.person_scope(user.pk))
    return marked


def _supported(sender, instance: Support, created: bool, raw: bool = False, **kwargs) -> None:
    """A support is written by the comments app, which sits below this one: told through the
    signal, still inside the transaction that saves it."""
    if created and not raw:
        entry = Entry.objects.only("pk", "organisation_id").get(pk=instance.entry_id)
        tell([entry], "entry.supported", by_organisation=instance.organisation)


def _notification_changed(sender, instance: Notification, **kwargs) -> None:
    """A row written or deleted one at a time (``tell`` writes in bulk and renews itself)."""
    cache.renew_with_transaction(cache.person_scope(instance.user_id))


def connect() -> None:
    post_save.connect(_supported, sender=Support, dispatch_uid="moderation.notify_supported")
    for signal in (post_save, post_delete):
        signal.connect(_notification_changed, sender=Notification, dispatch_uid="moderation.unread")


@transaction.atomic
def set_mail_mode(user, mode: str, *, request) -> None:
    """Whether ``user`` has their notifications mailed as they happen or once a day."""
    MailPreference.objects.update_or_create(user=user, defaults={"mode": mode})
    record("notifications.mail_mode_set", user, request=request, mode=mode)
