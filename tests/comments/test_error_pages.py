"""Failed requests answer with a page that says what to do next, or with JSON under /api/;
an ordinary refusal is logged in one line."""

import json
import logging

from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse

from wsis import errors


def test_a_refusal_names_its_reason_and_the_next_steps(delegate_a, draft_a):
    response = delegate_a.post(reverse("comments:submit", args=[draft_a.pk]))
    html = response.content.decode()
    assert response.status_code == 403
    assert "You cannot open this page" in html
    assert "Only your organisation&#x27;s focal point can do this." in html
    assert "You are signed in as alice" in html and 'href="/"' in html


def test_a_refusal_is_logged_without_its_traceback(delegate_a, draft_a, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        delegate_a.post(reverse("comments:submit", args=[draft_a.pk]))
    (refusal,) = [r for r in caplog.records if r.name == "django.request"]
    assert refusal.getMessage().startswith("Forbidden") and refusal.exc_info is None


def test_an_unknown_page_is_branded_and_offers_a_way_on(anonymous, version):
    response = anonymous.get("/c/no-such-consultation/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "This page does not exist" in html and "Go to the consultations" in html
    # The header of every page, with the way to sign in.
    assert 'class="site-header"' in html and "/signin/?next=" in html


def test_the_api_answers_errors_as_json(anonymous, version):
    response = anonymous.get("/api/v1/consultations/no-such-consultation/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "not_found"


def test_a_server_error_page_needs_neither_user_nor_database():
    request = RequestFactory().get("/c/wsis20/")
    response = errors.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and "reload the page" in html
    api = errors.server_error(RequestFactory().get("/api/v1/consultations/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"


def test_a_bad_request_is_answered_in_kind(db):
    request = RequestFactory().get("/api/v1/consultations/")
    assert errors.bad_request(request).status_code == 400
    request = RequestFactory().get("/c/wsis20/")
    request.user = AnonymousUser()  # as the middleware leaves it
    page = errors.bad_request(request)
    assert page.status_code == 400 and b"The request could not be read" in page.content


def test_a_form_that_fails_its_csrf_check_says_to_send_it_again(db, caplog):
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        response = client.post("/signin/", {"username": "alice", "password": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "The form could not be sent" in html and "send the form again" in html
    assert 'class="site-header"' in html and "Forbidden" not in html
    # Django's reason, for developers, goes to the log only.
    assert "CSRF cookie not set" not in html
    assert any("CSRF cookie not set" in r.getMessage() for r in caplog.records)


def test_an_api_csrf_failure_is_answered_as_json():
    response = errors.csrf_failure(RequestFactory().post("/api/v1/consultations/"))
    assert response.status_code == 403
    assert json.loads(response.content)["error"] == "csrf_failed"
