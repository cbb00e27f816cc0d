"""The reader's HTTP caching: a weak ETag per page and person, a 304 when nothing shown changed,
the anonymous page cached whole, and never one person's page or token for another."""

from datetime import timedelta

import pytest
from django.db import connection
from django.middleware.csrf import _does_token_match
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wsis.comments.models import Entry
from wsis.drafts.models import Version
from wsis.moderation.models import Notification
from wsis.negotiation.models import ParagraphStatus
from wsis.negotiation.services import set_status
from wsis.silence import services as silence_services

URL = reverse("drafts:reader", args=["wsis20"])


def again(client, response):
    """The same page asked again, as a browser that kept it asks."""
    return client.get(URL, headers={"if-none-match": response["ETag"]})


def parts(header: str) -> set[str]:
    return {part.strip() for part in header.split(",")}


@pytest.mark.parametrize("persona", ["anonymous", "delegate_a", "facilitator"])
def test_a_page_that_did_not_change_is_not_sent_again(request, persona, version):
    client = request.getfixturevalue(persona)
    first = client.get(URL)
    assert first.status_code == 200 and first["ETag"].startswith('W/"')
    response = again(client, first)
    assert response.status_code == 304 and response.content == b""
    assert response["ETag"] == first["ETag"]


def test_a_new_draft_of_ones_organisation_sends_the_page_again(
    delegate_a, focal_a, delegate_b, version, django_capture_on_commit_callbacks
):
    before = {client: client.get(URL) for client in (delegate_a, focal_a, delegate_b)}
    op26 = version.paragraphs.get(label="26")
    with django_capture_on_commit_callbacks(execute=True):
        delegate_a.post(
            reverse("comments:create", args=[op26.pk]), {"kind": "comment", "text": "Hm."}
        )
    for client in (delegate_a, focal_a):  # the organisation's members see its new draft
        response = again(client, before[client])
        assert response.status_code == 200 and b"1 ours" in response.content
    assert again(delegate_b, before[delegate_b]).status_code == 304  # nothing new for them


def test_a_publication_sends_everyones_page_again(
    anonymous, delegate_b, version, org_a, focal_a, django_capture_on_commit_callbacks
):
    op26 = version.paragraphs.get(label="26")
    with django_capture_on_commit_callbacks(execute=True):
        entry = Entry.objects.create(
            version=version, paragraph=op26, organisation=org_a, author=focal_a.user,
            kind="comment", text="Ours.", status="submitted",
        )  # fmt: skip
    before = {client: client.get(URL) for client in (anonymous, delegate_b)}
    with django_capture_on_commit_callbacks(execute=True):
        entry.moderation = Entry.Moderation.PUBLISHED
        entry.save()
    for client in (anonymous, delegate_b):
        response = again(client, before[client])
        assert response.status_code == 200 and b"1 entry" in response.content


def test_a_new_status_sends_the_page_again(
    anonymous, delegate_a, facilitator, version, django_capture_on_commit_callbacks
):
    before = {client: client.get(URL) for client in (anonymous, delegate_a)}
    with django_capture_on_commit_callbacks(execute=True):
        set_status(
            paragraphs=[version.paragraphs.get(label="26")],
            status=ParagraphStatus.Status.AGREED_AD_REF,
            actor=facilitator.user,
        )
    for client in (anonymous, delegate_a):
        response = again(client, before[client])
        assert response.status_code == 200 and b"Agreed ad ref" in response.content


def test_a_change_to_the_version_sends_the_page_again_even_without_signals(anonymous, version):
    first = anonymous.get(URL)
    Version.objects.filter(pk=version.pk).update(title="Renamed draft")  # sends no signal
    response = again(anonymous, first)
    assert response.status_code == 200 and b"Renamed draft" in response.content


def test_a_notification_sends_the_persons_page_again(delegate_a, version, org_a):
    first = delegate_a.get(URL)
    entry = Entry.objects.create(
        version=version, paragraph=version.paragraphs.get(label="26"), organisation=org_a,
        author=delegate_a.user, kind="comment", text="Ours.", status="submitted",
    )  # fmt: skip
    Notification.objects.create(user=delegate_a.user, entry=entry, action="entry.published")
    response = again(delegate_a, first)
    assert response.status_code == 200 and b"unread" in response.content


@pytest.mark.parametrize("other", ["focal_a", "delegate_b", "anonymous"])
def test_nobody_is_answered_with_anothers_page(request, delegate_a, other, version):
    """Someone sending another's ETag (the same organisation's, or none) gets their own page."""
    theirs = delegate_a.get(URL)
    client = request.getfixturevalue(other)
    response = again(client, theirs)
    assert response.status_code == 200 and response["ETag"] != theirs["ETag"]
    assert b"alice" not in response.content
    if client.user is not None:
        assert client.user.username.encode() in response.content


def test_each_anonymous_visitor_gets_a_token_of_their_own(version):
    """The anonymous page is cached whole, but its CSRF token is filled in per visitor."""
    pages = []
    for _ in range(2):
        client = Client()
        response = client.get(URL)
        token = response.content.decode().split('"X-CSRFToken": "')[1].split('"')[0]
        pages.append((client.cookies["csrftoken"].value, token, response["ETag"]))
    (secret_1, token_1, etag_1), (secret_2, token_2, etag_2) = pages
    assert _does_token_match(token_1, secret_1) and _does_token_match(token_2, secret_2)
    assert not _does_token_match(token_1, secret_2)
    # A page kept by one visitor's browser carries their token: never a 304 for another.
    assert etag_1 != etag_2


def test_a_cached_anonymous_page_costs_one_query_and_the_same_bytes_but_its_token(version):
    Client().get(URL)  # renders and caches the page
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert len(queries) == 1
    html = response.content.decode()
    assert html.count('class="paragraph ') == 155 and "slot" not in html.split("<body")[1][:200]


def test_headers_say_who_may_keep_the_page(anonymous, delegate_a, version):
    Client().get(URL)  # the anonymous page cached: the headers of a page from the cache
    public = anonymous.get(URL)
    assert "no-cache" in parts(public["Cache-Control"])
    assert "private" not in public["Cache-Control"]
    private = delegate_a.get(URL)
    assert {"private", "no-store"} <= parts(private["Cache-Control"])
    for response in (public, private):
        assert {"Cookie", "Accept-Language"} <= parts(response["Vary"])


def test_the_silence_banner_follows_the_procedure(anonymous, facilitator, version):
    """The banner is cached by the version's ``silence_until``, which every step moves."""
    assert b"silence-banner" not in anonymous.get(URL).content
    silence = silence_services.start(
        version, deadline=timezone.now() + timedelta(hours=72), user=facilitator.user
    )
    first = anonymous.get(URL)
    assert b"Under silence until" in first.content
    silence_services.end_early(silence, user=facilitator.user)
    response = again(anonymous, first)
    assert response.status_code == 200
    assert b"Under silence until" not in response.content and b"Silence held" in response.content


def test_the_draft_part_is_shared_within_an_organisation_and_the_header_is_not(
    delegate_a, focal_a, delegate_b, version, org_a
):
    """A signed-in reader's draft part is cached for everyone who sees the same entries: the
    same for two members of one organisation, never for another's; each header their own."""
    Entry.objects.create(
        version=version, paragraph=version.paragraphs.get(label="26"), organisation=org_a,
        author=delegate_a.user, kind="comment", text="Our draft.",
    )  # fmt: skip

    def main(client):
        page = client.get(URL).content.decode()
        return page[page.index("<main") : page.index("</main>")], page

    ours_alice, page_alice = main(delegate_a)
    ours_fatima, page_fatima = main(focal_a)
    theirs_bob, page_bob = main(delegate_b)
    assert ours_alice == ours_fatima and "1 ours" in ours_alice
    assert "1 ours" not in theirs_bob
    assert "alice" in page_alice and "alice" not in page_fatima + page_bob
    assert "fatima" in page_fatima and "fatima" not in page_alice + page_bob
