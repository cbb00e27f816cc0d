"""Rate limits shared by every process: counters in the shared cache, sign-ins in axes' table,
and what one person may create, counted in the database.

A limit kept in one process's memory multiplies with the number of gunicorn workers (three
workers accepted 15 accreditation requests an hour instead of 5), so counters live in
``caches["shared"]``: Redis whenever one is configured (see settings), whose INCR is atomic
across processes and machines.
"""

import logging
from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db.models import Count, Q, Sum
from django.utils import timezone

logger = logging.getLogger(__name__)


def spend(scope: str, ident: str, *, limit: int, window: int) -> bool:
    """Count one use of ``ident``'s allowance in ``scope``; False once ``limit`` uses were
    counted in the ``window`` seconds since its first use.

    If the shared store does not answer, the use is allowed: a throttle must not take the
    site down with the store (the failure is logged).
    """
    shared = caches["shared"]
    key = f"throttle:{scope}:{ident}"
    try:
        shared.add(key, 0, timeout=window)
        try:
            count = shared.incr(key)
        except ValueError:  # expired between add and incr
            shared.add(key, 0, timeout=window)
            count = shared.incr(key)
        if count == 1:
            # Redis's INCR on a key that expired after the backend saw it recreates it with no
            # expiry, which would block the address for good: the first use sets the window.
            shared.touch(key, window)
    except Exception:  # the store's client raises its own errors
        logger.warning("throttle %s unavailable: allowing", scope, exc_info=True)
        return True
    return count <= limit


# How a write locks the rows it checks: only those rows (not the rows its select_related joins
# reach: the version, the consultation, the user), and FOR NO KEY UPDATE, which does not block
# the foreign-key checks (FOR KEY SHARE) of other transactions inserting rows that point at
# them (entries, audit events). FOR UPDATE did, and concurrent submissions deadlocked under load.
ROW_LOCK = {"of": ("self",), "no_key": True}


class LimitReached(Exception):
    """An action refused because its allowance is spent; the message says so, for the person."""


def lock_person(user) -> None:
    """Serialise one person's counted actions: two requests at once must not both see room
    for one more. Call inside the transaction of the write."""
    get_user_model().objects.select_for_update(**ROW_LOCK).only("pk").get(pk=user.pk)


def hold_allowance(user, rows, *, per_hour: int, per_day: int, message: str) -> None:
    """Refuse (LimitReached with ``message``) if ``rows``, this person's earlier creations
    (with a ``created`` time), already hold ``per_hour`` in the last hour or ``per_day`` in the
    last day. Call inside the transaction that creates the next one, which it makes exact."""
    lock_person(user)
    now = timezone.now()
    found = rows.filter(created__gte=now - timedelta(days=1)).aggregate(
        hour=Count("pk", filter=Q(created__gte=now - timedelta(hours=1))), day=Count("pk")
    )
    if found["hour"] >= per_hour or found["day"] >= per_day:
        raise LimitReached(message)


class AddressAwareHandler(AxesDatabaseHandler):
    """django-axes, plus a limit on failures from one address across every username.

    Axes locks a username tried from one address (``AXES_FAILURE_LIMIT``); one password tried
    on many accounts (password spraying) fails once per account and never reaches that limit.
    This also locks an address once its failures over all usernames in the cool-off period
    reach ``SIGN_IN_FAILURES_PER_ADDRESS``: higher than the per-account limit, so that the
    typing errors of a delegation behind one address do not lock it out.
    """

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self.address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # Axes answers with its lock-out page only when the request carries its flag.
        if request is not None and self.address_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    def address_locked(self, request) -> bool:
        address = getattr(request, "axes_ip_address", None)
        if address is None:
            return False
        attempts = AccessAttempt.objects.filter(
            ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
        )
        failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        return failures >= settings.SIGN_IN_FAILURES_PER_ADDRESS
