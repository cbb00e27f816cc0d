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
