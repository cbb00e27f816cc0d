"""Hardening that holds for every page: CSRF, sign-in throttling, headers, escaping, fuzzing."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wsis.drafts.importer import DraftFormatError, ParsedDraft, import_draft, parse

# Strings that would run or render if the app trusted user text as HTML or as a template.
HOSTILE = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7|add:42 }}",
    "{% debug %}",
    "javascript:alert(1)",
    "<svg/onload=alert(1)>",
]


def test_posts_without_a_csrf_token_are_refused(delegate_a, db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(delegate_a.user)
    assert client.post(reverse("logout")).status_code == 403


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failed_sign_ins_lock_the_account(delegate_a, db):
    client = Client()
    for _ in range(3):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_correct_sign_in_after_a_failure_works(delegate_a, db):
    client = Client()
    client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(delegate_a.user.pk)


def test_every_page_sends_the_security_headers(anonymous, version):
    response = anonymous.get(reverse("drafts:reader", args=["wsis20"]))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    policy = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy


def test_hostile_text_in_a_draft_shows_as_typed(anonymous, consultation):
    body = "".join(f"- {n}. Text {text} end.\n" for n, text in enumerate(HOSTILE, start=1))
    import_draft(consultation, "Hostile", parse(f"Title\n\nOps\n\n{body}"))
    html = anonymous.get(reverse("drafts:reader", args=["wsis20"])).content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg/" not in html
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in html
    assert "Text {{ 7|add:42 }} end." in html and "Text 49 end." not in html
    assert "Text {% debug %} end." in html


lines = st.one_of(
    st.sampled_from(["", "Preamble", "Introduction", "- A. Text.", "- 1. Text.", "- 2. More."]),
    st.from_regex(r"(- )?([A-Z]|[0-9]{1,3})\. [a-z ]{0,20}", fullmatch=True),
    st.text(max_size=40),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(lines, max_size=25).map("\n".join))
def test_the_parser_only_ever_refuses_with_a_reason(text):
    try:
        draft = parse(text)
    except DraftFormatError as exc:
        assert exc.reason
        assert 0 <= exc.line <= text.count("\n") + 1
    else:
        assert isinstance(draft, ParsedDraft) and draft.paragraphs


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300))
def test_the_import_command_never_crashes_on_bytes(tmp_path, data):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "draft.txt"
    path.write_bytes(data)
    try:
        call_command(
            "import_resolution", str(path), "--consultation", "fuzz", "--label", "x", "--replace"
        )
    except CommandError as exc:
        assert "nothing was imported" in str(exc)


# The client's address -------------------------------------------------------------------------


def address_of(**meta):
    from django.test import RequestFactory

    from wsis.client import client_ip

    return client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **meta))


def test_with_no_proxy_configured_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert address_of(HTTP_X_FORWARDED_FOR="203.0.113.7") == "10.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "client"),
    [
        # What the client typed on the left is never believed.
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (1, "2001:db8::7", "2001:db8::7"),
        # The request skipped a proxy: the furthest address our proxies wrote.
        (2, "203.0.113.7", "203.0.113.7"),
        (1, "", "10.0.0.1"),
        (1, "6.6.6.6, not-an-address", "10.0.0.1"),
    ],
)
def test_behind_trusted_proxies_the_client_is_what_the_outermost_one_saw(
    settings, proxies, forwarded, client
):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert address_of(HTTP_X_FORWARDED_FOR=forwarded) == client


@override_settings(TRUSTED_PROXY_COUNT=1, AXES_FAILURE_LIMIT=2)
def test_sign_in_lock_outs_are_per_client_behind_a_proxy(delegate_a, db):
    """Every request arrives from the proxy's address: one client's failures must not lock the
    others out, nor a client escape its lock-out by typing its own X-Forwarded-For."""
    login = reverse("login")
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    for _ in range(2):
        attacker.post(login, {"username": "alice", "password": "wrong"})
    right = {"username": "alice", "password": "correct horse battery"}
    spoofed = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.66")
    assert spoofed.post(login, right).status_code == 429
    colleague = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.5")
    assert colleague.post(login, right).status_code == 302


# Password spraying --------------------------------------------------------------------------


@override_settings(AXES_FAILURE_LIMIT=5, SIGN_IN_FAILURES_PER_ADDRESS=4)
def test_one_password_tried_on_many_accounts_locks_the_address(delegate_a, db):
    login = reverse("login")
    sprayer = Client(REMOTE_ADDR="203.0.113.66")
    answers = [
        sprayer.post(login, {"username": name, "password": "Summer2026"}).status_code
        for name in ("bob", "carol", "dave", "erin")
    ]
    assert answers == [200, 200, 200, 429]
    # Even the right password of yet another account is refused from that address.
    right = {"username": "alice", "password": "correct horse battery"}
    assert sprayer.post(login, right).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.5").post(login, right).status_code == 302


# Counters shared by every process -----------------------------------------------------------


SPEND_FIVE_TIMES = """
import django
django.setup()
from wsis.throttle import spend
print(sum(spend("test", "203.0.113.9", limit=5, window=60) for _ in range(5)))
"""


def test_processes_sharing_the_store_accept_only_the_limit_between_them():
    """Three processes, as three gunicorn workers, each spending five of the same five uses."""
    import os
    import subprocess
    import sys

    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    if not isinstance(caches["shared"], RedisCache):
        pytest.skip("no REDIS_URL or CACHE_URL: one process, its memory is the shared store")
    environment = os.environ | {"DJANGO_SETTINGS_MODULE": "wsis.settings"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SPEND_FIVE_TIMES],
            env=environment,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    accepted = [int(p.communicate(timeout=60)[0]) for p in processes]
    assert sum(accepted) == 5, accepted


@override_settings(ACCREDITATION_REQUESTS_PER_HOUR=2)
def test_the_accreditation_limit_is_counted_in_the_shared_store(anonymous, consultation):
    from django.core.cache import cache

    from tests.stakeholders.test_accreditation_request import URL, form_data

    assert anonymous.post(URL, form_data()).status_code == 302
    assert anonymous.post(URL, form_data(name="B", acronym="B")).status_code == 302
    # Another gunicorn worker has none of this process's memory.
    cache.clear()
    assert anonymous.post(URL, form_data(name="C", acronym="C")).status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1, ACCREDITATION_REQUESTS_PER_HOUR=1)
def test_behind_a_proxy_accreditation_requests_are_counted_per_client(anonymous, consultation):
    from tests.stakeholders.test_accreditation_request import URL, form_data
    from wsis.stakeholders.models import AccreditationRequest

    via_proxy = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    assert anonymous.post(URL, form_data(), **via_proxy).status_code == 302
    assert AccreditationRequest.objects.get().ip_address == "203.0.113.7"
    spoofed = via_proxy | {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.7"}
    assert anonymous.post(URL, form_data(name="B", acronym="B"), **spoofed).status_code == 429
    other = via_proxy | {"HTTP_X_FORWARDED_FOR": "198.51.100.5"}
    assert anonymous.post(URL, form_data(name="C", acronym="C"), **other).status_code == 302


# Settings that trust a proxy ----------------------------------------------------------------

SHOW_PROXY_HEADER = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"


def test_the_forwarded_protocol_is_trusted_only_behind_a_configured_proxy():
    from tests.test_settings import PRODUCTION, run

    alone = run(["shell", "-c", SHOW_PROXY_HEADER], **PRODUCTION)
    assert alone.stdout.splitlines()[-1] == "None", alone.stderr
    behind = run(["shell", "-c", SHOW_PROXY_HEADER], **PRODUCTION, TRUSTED_PROXY_COUNT="1")
    assert "HTTP_X_FORWARDED_PROTO" in behind.stdout, behind.stderr
    deploy = run(["check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert deploy.returncode == 0, deploy.stderr
