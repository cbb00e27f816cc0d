"""Every moderation URL, for every persona: only facilitators of the consultation get in."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

OUTSIDERS = ["delegate_a", "focal_a", "delegate_b"]


def get_urls(entry):
    slug = "wsis20"
    return [
        reverse("moderation:dashboard", args=[slug]),
        reverse("moderation:overview", args=[slug]),
        reverse("moderation:round", args=[slug]),
        reverse("moderation:paragraph", args=[slug, "OP26"]),
        reverse("moderation:entry", args=[slug, entry.pk]),
    ]


def post_urls(entry):
    slug = "wsis20"
    return [
        reverse("moderation:bulk", args=[slug]),
        reverse("moderation:moderate", args=[slug, entry.pk]),
        reverse("moderation:decide", args=[slug, entry.pk]),
        reverse("moderation:duplicate", args=[slug, entry.pk]),
        reverse("moderation:round_update", args=[slug]),
        reverse("moderation:extend", args=[slug]),
        reverse("moderation:settings", args=[slug]),
    ]


def test_it_sends_anonymous_visitors_to_sign_in(anonymous, entry_a):
    others = [reverse("moderation:home"), reverse("moderation:two_factor")]
    for url in get_urls(entry_a) + post_urls(entry_a) + others:
        method = anonymous.post if url in post_urls(entry_a) else anonymous.get
        response = method(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_it_refuses_participants(request, persona, entry_a):
    client = request.getfixturevalue(persona)
    for url in get_urls(entry_a) + [reverse("moderation:home")]:
        assert client.get(url).status_code == 403, url
    for url in post_urls(entry_a):
        assert client.post(url, {"action": "publish"}).status_code == 403, url
    entry_a.refresh_from_db()
    assert entry_a.moderation == "pending"


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_it_refuses_the_second_factor_page_to_participants(request, persona):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("moderation:two_factor")).status_code == 403


def test_it_lets_facilitators_in(facilitator, entry_a):
    for url in get_urls(entry_a):
        assert facilitator.get(url).status_code == 200, url
    home = facilitator.get(reverse("moderation:home"))
    assert home["Location"] == reverse("moderation:dashboard", args=["wsis20"])


def test_it_refuses_a_facilitator_of_another_consultation(facilitator, entry_a, consultation):
    other = type(consultation).objects.create(slug="other", title="Other")
    consultation.facilitators.remove(facilitator.user)
    other.facilitators.add(facilitator.user)
    for url in get_urls(entry_a):
        assert facilitator.get(url).status_code == 403, url


def test_it_refuses_get_on_actions(facilitator, entry_a):
    for url in post_urls(entry_a):
        assert facilitator.get(url).status_code == 405, url


def test_it_hides_draft_entries_even_from_facilitators(facilitator, make_entry, org_a):
    draft = make_entry(org_a, status="draft", submitted_at=None)
    url = reverse("moderation:entry", args=["wsis20", draft.pk])
    assert facilitator.get(url).status_code == 404


def test_it_shows_the_nav_link_to_facilitators_only(facilitator, delegate_a, version):
    link = reverse("moderation:home")
    assert link in facilitator.get("/c/wsis20/").content.decode()
    assert link not in delegate_a.get("/c/wsis20/").content.decode()
