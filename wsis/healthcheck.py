"""The web container's health probe (docker-compose.yml): ``python wsis/healthcheck.py``.

Asks ``/healthz`` of the app on this machine over plain HTTP, as the first of its
``ALLOWED_HOSTS`` (any other Host is refused with 400); exits 0 when the app and its database
answer. Standard library only: it runs every few seconds, without loading Django.
"""

import os
import sys
import urllib.request

APP = "http://127.0.0.1:8000"


def host_to_ask(allowed_hosts: str) -> str:
    """A name the app accepts: ``.example.org`` accepts ``example.org``; ``*`` any name."""
    for entry in allowed_hosts.split(","):
        name = entry.strip().lstrip(".")
        if name and name != "*":
            return name
    return "localhost"


def healthy(app: str = APP, allowed_hosts: str | None = None) -> bool:
    if allowed_hosts is None:
        allowed_hosts = os.environ.get("ALLOWED_HOSTS", "")
    host = {"Host": host_to_ask(allowed_hosts)}
    request = urllib.request.Request(f"{app}/healthz", headers=host)  # noqa: S310 - http only
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - idem
            return response.status == 200
    except OSError:  # refused, timed out, or an error status (HTTPError is an OSError)
        return False


if __name__ == "__main__":
    sys.exit(0 if healthy() else 1)
