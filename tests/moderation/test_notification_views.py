"""The list of what happened to my organisation's entries, its unread count, its mail mode."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from wsis.moderation import services
from wsis.moderation.models import MailPreference, Notification

pytestmark = pytest.mark.django_db


def decide_on(facilitator, entries):
    request = RequestFactory().post("/")
    request.user = facilitator.user
    services.moderate(entries, "publish", request=request)
    services.decide(entries, "incorporated", rationale="Taken in Rev.1.", request=request)


def test_the_header_counts_the_unread_and_the_list_marks_them_read(
    facilitator, focal_a, delegate_a, make_entry, org_a
):
    decide_on(facilitator, [make_entry(org_a), make_entry(org_a, label="27")])
    page = delegate_a.get(reverse("stakeholders:account")).content.decode()
    assert 'class="badge">4<span class="visually-hidden"> unread' in page
    response = delegate_a.get(reverse("notifications:list"))
    assert response.status_code == 200
    listed = list(response.context["page"])
    # Newest first, each linked to its entry's page, shown as new this once.
    assert [n.action for n in listed] == ["entry.decided"] * 2 + ["entry.published"] * 2
    body = response.content.decode()
    assert f'href="{reverse("comments:entry", args=[listed[0].entry_id])}"' in body
    assert "decided: incorporated (rationale: Taken in Rev.1.)" in body
    assert body.count('<span class="badge">new</span>') == 4
    assert not Notification.objects.filter(user=delegate_a.user, read_at__isnull=True).exists()
    # The focal point's own list is theirs: still unread.
    assert Notification.objects.filter(user=focal_a.user, read_at__isnull=True).count() == 4
    assert (
        'visually-hidden"> unread'
        not in delegate_a.get(reverse("notifications:list")).content.decode()
    )


def test_the_header_count_is_one_query_then_cached_until_something_is_told(
    delegate_a, facilitator, make_entry, org_a, django_assert_num_queries, rf
):
    from wsis.moderation.context_processors import unread
    from wsis.stakeholders.access import person

    def count():
        request = rf.get("/")
        request.user = delegate_a.user
        person(request)  # the header reads the person first (their memberships)
        with django_assert_num_queries(queries):
            return unread(request)["unread_notifications"]()

    queries = 1
    assert count() == 0
    queries = 0
    assert count() == 0
    decide_on(facilitator, [make_entry(org_a)])  # published, then decided
    queries = 1
    assert count() == 2
    delegate_a.get(reverse("notifications:list"))  # marked read; its header counted again
    queries = 0
    assert count() == 0


def test_someone_else_s_entries_are_not_listed(facilitator, delegate_b, make_entry, org_a):
    decide_on(facilitator, [make_entry(org_a)])
    response = delegate_b.get(reverse("notifications:list"))
    assert list(response.context["page"]) == []
    assert "Nothing has happened" in response.content.decode()


def test_a_facilitator_is_told_why_the_list_stays_empty(facilitator):
    page = facilitator.get(reverse("notifications:list")).content.decode()
    assert "your organisation" not in page
    assert "you act for no organisation" in page


def test_each_person_chooses_daily_or_immediate_mail(focal_a):
    page = focal_a.get(reverse("stakeholders:account")).content.decode()
    assert 'value="immediate" checked' in page
    response = focal_a.post(reverse("notifications:mail_mode"), {"mode": "daily"}, follow=True)
    assert MailPreference.objects.get(user=focal_a.user).mode == "daily"
    assert 'value="daily" checked' in response.content.decode()


def test_an_unknown_mail_mode_changes_nothing(focal_a):
    response = focal_a.post(reverse("notifications:mail_mode"), {"mode": "hourly"}, follow=True)
    assert "Choose how your notifications are mailed." in response.content.decode()
    assert not MailPreference.objects.exists()
