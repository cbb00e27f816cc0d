from django.conf import settings
from django.test import Client
from django.urls import reverse

from wsis.audit.models import AuditEvent

LOGIN = reverse("login")


def test_a_sign_in_is_audited(anonymous, delegate_a):
    response = anonymous.post(LOGIN, {"username": "alice", "password": "correct horse battery"})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="user.signed_in").latest("pk")
    assert event.actor == delegate_a.user and event.ip_address == "127.0.0.1"


def test_a_failed_sign_in_is_audited(anonymous, delegate_a):
    response = anonymous.post(LOGIN, {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="user.sign_in_failed")
    assert event.data == {"username": "alice"}
    assert event.target == f"auth.user:{delegate_a.user.pk}"
    anonymous.post(LOGIN, {"username": "ghost", "password": "wrong"})
    assert AuditEvent.objects.filter(action="user.sign_in_failed").count() == 2


def test_a_sign_out_is_audited(anonymous, delegate_a):
    delegate_a.post(reverse("logout"))
    assert AuditEvent.objects.filter(action="user.signed_out").count() == 1


def test_it_locks_out_after_the_failure_limit(delegate_a):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(LOGIN, {"username": "alice", "password": "wrong"}).status_code == 200
    locked = client.post(LOGIN, {"username": "alice", "password": "wrong"})
    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    # Even the right password is refused while locked out.
    right = client.post(LOGIN, {"username": "alice", "password": "correct horse battery"})
    assert right.status_code == 429
    # Another account from the same address is not locked.
    assert Client().post(LOGIN, {"username": "bob", "password": "x"}).status_code == 200


def test_the_sign_in_page_links_to_password_reset(anonymous, db):
    html = anonymous.get(LOGIN).content.decode()
    assert reverse("password_reset") in html
    assert 'id="id_username"' in html and 'id="id_password"' in html


def test_behind_a_proxy_the_audit_records_the_client(anonymous, delegate_a, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    anonymous.post(
        LOGIN,
        {"username": "alice", "password": "correct horse battery"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
    )
    event = AuditEvent.objects.filter(action="user.signed_in").latest("pk")
    assert event.ip_address == "203.0.113.7"


def test_with_no_proxy_a_forwarded_address_is_not_recorded(anonymous, delegate_a):
    anonymous.post(
        LOGIN,
        {"username": "alice", "password": "correct horse battery"},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    event = AuditEvent.objects.filter(action="user.signed_in").latest("pk")
    assert event.ip_address == "127.0.0.1"
