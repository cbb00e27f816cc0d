import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user
from tests.stakeholders.conftest import PERSONAS, links_in
from wsis.audit.models import AuditEvent

ACCOUNT = reverse("stakeholders:account")
EMAIL = reverse("stakeholders:email_change")
PASSWORD = "correct horse battery"


@pytest.mark.parametrize("name", PERSONAS)
def test_signed_in_people_see_their_account(persona, org_a, name):
    response = persona(name).get(ACCOUNT)
    if name == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == 200
        assert reverse("password_change") in response.content.decode()


def test_changing_the_email_needs_the_password(delegate_a, mailoutbox):
    response = delegate_a.post(EMAIL, {"email": "new@example.org", "password": "wrong"})
    assert response.status_code == 400 and b"not your current password" in response.content
    assert b'value="new@example.org"' in response.content
    assert mailoutbox == []


def confirm_link(client, email, capture, mailoutbox):
    with capture(execute=True):
        response = client.post(EMAIL, {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    mail = mailoutbox[-1]
    assert mail.to == [email]
    return links_in(mail)[0].replace("http://testserver", "")


def test_the_email_changes_once_the_new_address_confirms(
    delegate_a, mailoutbox, django_capture_on_commit_callbacks
):
    link = confirm_link(
        delegate_a, "new@example.org", django_capture_on_commit_callbacks, mailoutbox
    )
    delegate_a.user.refresh_from_db()
    assert delegate_a.user.email == "alice@example.org"  # not before confirmation
    assert delegate_a.get(link).status_code == 200
    assert delegate_a.post(link).status_code == 302
    delegate_a.user.refresh_from_db()
    assert delegate_a.user.email == "new@example.org"
    assert AuditEvent.objects.filter(action="user.email_changed").count() == 1
    assert delegate_a.post(link).status_code == 410  # the link is spent


def test_it_says_the_same_for_a_taken_address(
    delegate_a, delegate_b, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = delegate_a.post(EMAIL, {"email": "bob@example.org", "password": PASSWORD})
    assert response.status_code == 302
    link = links_in(mailoutbox[-1])[0].replace("http://testserver", "")
    # Only whoever reads bob's mail learns the address is taken.
    assert delegate_a.post(link).status_code == 409
    delegate_a.user.refresh_from_db()
    assert delegate_a.user.email == "alice@example.org"


def test_a_confirmation_link_is_for_its_account_only(
    delegate_a, delegate_b, mailoutbox, django_capture_on_commit_callbacks
):
    link = confirm_link(
        delegate_a, "new@example.org", django_capture_on_commit_callbacks, mailoutbox
    )
    assert delegate_b.post(link).status_code == 410
    assert delegate_a.get(reverse("stakeholders:email_confirm", args=["forged"])).status_code == 410


def test_it_refuses_get_on_email_change(delegate_a):
    assert delegate_a.get(EMAIL).status_code == 405


def test_password_change_uses_the_validators(delegate_a):
    url = reverse("password_change")
    assert delegate_a.get(url).status_code == 200
    response = delegate_a.post(
        url, {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"}
    )
    assert response.status_code == 200 and b"too common" in response.content
    new = "Plenary-hall-2026"
    response = delegate_a.post(
        url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    delegate_a.user.refresh_from_db()
    assert delegate_a.user.check_password("Plenary-hall-2026")


@pytest.fixture
def ask_reset(reset_worker, django_capture_on_commit_callbacks):
    """``ask_reset(client, email)``: the reset page's answer, the worker's mail sent."""

    def ask(client, email, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("password_reset"), {"email": email}, **extra)

    return ask


def test_password_reset_answers_the_same_either_way(anonymous, delegate_a, mailoutbox, ask_reset):
    url = reverse("password_reset")
    assert anonymous.get(url).status_code == 200
    known = ask_reset(anonymous, "alice@example.org")
    unknown = ask_reset(anonymous, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("password_reset_done")
    done = anonymous.get(known.url).content.decode()
    assert "If an account uses that address" in done
    assert [m.to for m in mailoutbox] == [["alice@example.org"]]


def test_a_reset_link_sets_a_new_password(anonymous, delegate_a, mailoutbox, ask_reset):
    ask_reset(anonymous, "alice@example.org")
    link = links_in(mailoutbox[0])[0].replace("http://testserver", "")
    response = anonymous.get(link, follow=True)
    assert b"Choose a new password" in response.content
    form_url = response.redirect_chain[-1][0]
    response = anonymous.post(
        form_url, {"new_password1": "Plenary-hall-2026", "new_password2": "Plenary-hall-2026"}
    )
    assert response.status_code == 302
    signed_in = Client().post(
        reverse("login"), {"username": "alice", "password": "Plenary-hall-2026"}
    )
    assert signed_in.status_code == 302
    assert b"no longer works" in anonymous.get(link, follow=True).content


def test_usernames_do_not_leak_on_the_sign_in_page(anonymous, delegate_a):
    known = anonymous.post(reverse("login"), {"username": "alice", "password": "nope"})
    unknown = anonymous.post(reverse("login"), {"username": "nobody", "password": "nope"})
    strip = lambda html: re.sub(r'(value="|Token": ")[^"]*"', "", html.decode())  # noqa: E731
    assert strip(known.content) == strip(unknown.content)


def test_an_overlong_username_is_refused_with_a_message(anonymous, db):
    from axes.models import AccessAttempt

    response = anonymous.post(reverse("login"), {"username": "a" * 300, "password": "nope"})
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_the_user_model_is_djangos(db):
    assert get_user_model()._meta.label == "auth.User"
    make_user("zed")


def test_a_confirmation_link_asks_anonymous_to_sign_in(anonymous, db):
    url = reverse("stakeholders:email_confirm", args=["whatever"])
    response = anonymous.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_password_change_is_audited(delegate_a):
    new = "Plenary-hall-2026"
    delegate_a.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert AuditEvent.objects.filter(action="user.password_changed").count() == 1
    # This session stays signed in (Django renews its hash); others end.
    assert delegate_a.get(reverse("stakeholders:account")).status_code == 200


def test_a_password_reset_is_audited_and_lifts_a_lock_out(
    anonymous, delegate_a, mailoutbox, ask_reset
):
    from django.conf import settings

    for _ in range(settings.AXES_FAILURE_LIMIT):
        anonymous.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert (
        anonymous.post(reverse("login"), {"username": "alice", "password": "x"}).status_code == 429
    )
    ask_reset(anonymous, "alice@example.org")
    link = links_in(mailoutbox[0])[0].replace("http://testserver", "")
    form_url = anonymous.get(link, follow=True).redirect_chain[-1][0]
    new = "Plenary-hall-2026"
    anonymous.post(form_url, {"new_password1": new, "new_password2": new})
    assert AuditEvent.objects.filter(action="user.password_reset").count() == 1
    signed_in = anonymous.post(reverse("login"), {"username": "alice", "password": new})
    assert signed_in.status_code == 302


@pytest.mark.parametrize("name", PERSONAS)
def test_each_person_changes_only_their_own_email(persona, org_a, name, mailoutbox):
    response = persona(name).post(EMAIL, {"email": "x@example.org", "password": PASSWORD})
    assert response.status_code == 302
    if name == "anonymous":
        assert response.url.startswith(reverse("login"))


def test_the_reset_request_does_the_same_work_for_any_address(
    anonymous, delegate_a, mailoutbox, django_assert_num_queries, django_capture_on_commit_callbacks
):
    # The account is looked up and the mail rendered by the worker, not in the request: both
    # answers cost the same queries and queue the same task.
    for email in ("alice@example.org", "nobody@example.org"):
        with django_capture_on_commit_callbacks() as queued, django_assert_num_queries(0):
            response = anonymous.post(reverse("password_reset"), {"email": email})
        assert response.status_code == 302
        assert [c.__qualname__ for c in queued] == [
            "PasswordResetView.form_valid.<locals>.<lambda>"
        ]
    assert mailoutbox == []


def test_resets_of_one_address_are_throttled(anonymous, delegate_a, mailoutbox, ask_reset):
    from wsis.stakeholders.views import RESETS_PER_ADDRESS

    for number in range(RESETS_PER_ADDRESS):
        # From several networks: the limit is the address's, whoever asks.
        response = ask_reset(anonymous, "Alice@example.org", REMOTE_ADDR=f"10.0.0.{number}")
        assert response.status_code == 302
    response = ask_reset(anonymous, "alice@example.org", REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429
    assert "Too many password resets" in response.content.decode()
    assert len(mailoutbox) == RESETS_PER_ADDRESS
    # An unknown address is counted the same way, so "too many" tells nothing about accounts.
    for _ in range(RESETS_PER_ADDRESS):
        ask_reset(anonymous, "nobody@example.org", REMOTE_ADDR="10.1.1.1")
    assert ask_reset(anonymous, "nobody@example.org", REMOTE_ADDR="10.1.1.2").status_code == 429


def test_resets_from_one_client_are_throttled(anonymous, delegate_a, mailoutbox, ask_reset):
    from wsis.stakeholders.views import RESETS_PER_CLIENT

    for number in range(RESETS_PER_CLIENT):
        assert ask_reset(anonymous, f"someone{number}@example.org").status_code == 302
    assert ask_reset(anonymous, "alice@example.org").status_code == 429
    assert mailoutbox == []
    # Another network is not held back by this one.
    assert ask_reset(anonymous, "alice@example.org", REMOTE_ADDR="10.2.2.2").status_code == 302
    assert len(mailoutbox) == 1
