"""The compose health probe (wsis/healthcheck.py) passes against the app as deployed: HTTPS
redirects on, and a Host that must be one of ALLOWED_HOSTS."""

import json

import pytest

from tests.test_settings import PRODUCTION, run
from wsis.healthcheck import healthy, host_to_ask

ASK = """
import json
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="comments.example.org")
print(json.dumps({
    "healthz": client.get("/healthz").status_code,
    "reader": client.get("/c/wsis20/").status_code,
}))
"""


@pytest.fixture(scope="module")
def production():
    """What the app answers over plain HTTP with the production settings (DEBUG off)."""
    result = run(["shell", "-c", ASK], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_healthz_is_not_redirected_to_https_but_pages_are(production):
    assert production["healthz"] in (200, 503)  # whether or not that database is there
    assert production["reader"] == 301


def test_the_probe_asks_as_the_allowed_host(live_server, settings, version):
    """The live server's middleware was made before any test could turn the HTTPS redirect on:
    the test above covers the redirect."""
    settings.ALLOWED_HOSTS = ["comments.example.org"]
    assert healthy(live_server.url, "comments.example.org,www.example.org")
    assert not healthy(live_server.url, "elsewhere.example.org")  # a 400 is no pass


@pytest.mark.parametrize(
    ("allowed", "asked"),
    [
        ("comments.example.org", "comments.example.org"),
        (" .example.org,x", "example.org"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_it_asks_as_a_host_the_app_accepts(allowed, asked):
    assert host_to_ask(allowed) == asked
