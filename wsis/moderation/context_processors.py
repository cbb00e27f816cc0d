from django.http import HttpRequest

from wsis import cache
from wsis.moderation import notifications
from wsis.stakeholders.access import request_generations


def unread(request: HttpRequest) -> dict:
    """The header's count of unread notifications, run only by pages that show it, and only
    for someone signed in: one indexed count, cached under the person's generation, which
    telling them something and their reading the list renew (``notifications``)."""

    def count():
        user = request.user
        if not user.is_authenticated:
            return 0
        scope = cache.person_scope(user.pk)
        name = cache.key("unread", user.pk, cache.joined(request_generations(request), scope))
        return cache.cached(name, lambda: notifications.unread_count(user), cache.ENTRIES_SECONDS)

    return {"unread_notifications": count}
