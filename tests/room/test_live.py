"""The stream: each reader gets the screen now, then every newer screen, through Redis or in
memory; a slow reader skips to the newest."""

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from wsis.room import live, services


def run(coroutine):
    """``asyncio.run`` in a thread of its own: the browser tests' Playwright keeps an event loop
    running in the main thread for the whole session, where asyncio.run refuses to start."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def first_events(count, reading_id, render, publish=()):
    """The first ``count`` events of a stream; ``publish`` runs in a thread once it joined."""
    events = live.stream(reading_id, render)
    found = [await anext(events)]
    for screen in publish:
        await asyncio.to_thread(live.hub.publish, reading_id, *screen)
    while len(found) < count:
        found.append(await asyncio.wait_for(anext(events), 5))
    await events.aclose()
    return found


async def rendered():
    return (0, "<p>now</p>")


@pytest.fixture(params=["memory", "redis"])
def transport(request, settings):
    if request.param == "redis":
        if not os.environ.get("REDIS_URL"):
            pytest.skip("needs REDIS_URL")
        settings.ROOM_REDIS_URL = os.environ["REDIS_URL"]
        live.sync_client(settings.ROOM_REDIS_URL).delete(live.latest_key(999))
    else:
        settings.ROOM_REDIS_URL = ""
        live.hub.latest.clear()
    return request.param


def test_a_reader_gets_the_screen_now_then_each_change(transport):
    events = run(first_events(2, 999, rendered, publish=[(1, "<p>one\nline two</p>")]))
    assert events[0] == "event: screen\ndata: <p>now</p>\n\n"
    assert events[1] == "event: screen\ndata: <p>one\ndata: line two</p>\n\n"
    assert live.hub.count() == 0  # gone when the stream closed


def test_a_reader_connecting_later_gets_the_newest_screen_not_a_rendering(transport):
    live.hub.publish(999, 7, "<p>newest</p>")
    [first] = run(first_events(1, 999, rendered))
    assert "newest" in first


def test_an_older_screen_never_replaces_a_newer_one():
    reader = live.Reader()
    reader.offer((3, "three"))
    reader.offer((2, "two"))
    assert reader.screen == (3, "three")


def test_without_an_event_loop_for_streams_the_browser_is_asked_to_come_back():
    async def once():
        return [event async for event in live.stream(999, rendered, once=True)]

    [only] = run(once())
    assert only.startswith(f"retry: {live.RETRY_MS}\nevent: screen\n")


def test_a_change_goes_out_once_committed(
    version, reading, pen_request, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(live.hub, "publish", lambda *screen: sent.append(screen))
    op26 = version.paragraphs.get(label="26")
    with django_capture_on_commit_callbacks(execute=True):
        services.move_to(reading, op26, request=pen_request)
    [(reading_id, revision, html)] = sent
    assert (reading_id, revision) == (reading.pk, 1)
    assert "OP 26" in html and "csrf" not in html
