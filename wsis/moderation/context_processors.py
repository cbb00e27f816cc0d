from django.http import HttpRequest

from wsis.moderation import notifications


def unread(request: HttpRequest) -> dict:
    """The header's count of unread notifications: one indexed count, run only by pages that
    show it, and only for someone signed in."""
    return {
        "unread_notifications": lambda: (
            notifications.unread_count(request.user) if request.user.is_authenticated else 0
        )
    }
