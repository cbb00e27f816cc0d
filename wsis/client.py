"""The address a request came from: the one source for throttles, django-axes and the audit log.

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only as far as
our own proxies wrote it. Each proxy appends the address it received the request from; with
``TRUSTED_PROXY_COUNT`` proxies in front of the app, the client is the address the outermost one
appended: the ``TRUSTED_PROXY_COUNT``-th from the right of ``X-Forwarded-For`` followed by
``REMOTE_ADDR``. Anything further left was typed by the client. With no proxy configured, the
header is ignored and ``REMOTE_ADDR`` is the client.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    remote = _address(request.META.get("REMOTE_ADDR"))
    hops = settings.TRUSTED_PROXY_COUNT
    if not hops:
        return remote
    forwarded = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    chain = [*forwarded, remote]
    # Fewer addresses than proxies: the request skipped some of them, and every address in the
    # chain was written by one of ours, so the furthest is the nearest thing to the client.
    found = _address(chain[max(len(chain) - 1 - hops, 0)])
    # A proxy of ours that wrote something other than an address is misconfigured: fall back
    # to the peer rather than store or count garbage.
    return found or remote
