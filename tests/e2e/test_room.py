"""The live room in a real browser: the facilitator moves the pen and types, a reader's page
follows without reloading. Served by uvicorn (``wsis.asgi``), as in production: the test
server of pytest-django speaks WSGI, which cannot hold a stream open."""

import socket
import threading

import pytest
import uvicorn
from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.db import connections
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, PASSWORD, screenshot
from wsis.asgi import application
from wsis.room import live
from wsis.room.models import Reading

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def asgi_server(transactional_db, settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    # Each request closes its connection, so that none is left in the server's threads when the
    # test database is dropped.
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        ASGIStaticFilesHandler(application),
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        # Open streams would otherwise keep the server from stopping.
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    started = threading.Event()
    original = server.startup

    async def startup(*args, **kwargs):
        await original(*args, **kwargs)
        started.set()

    server.startup = startup
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    assert started.wait(30), "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(30)


@pytest.fixture
def room_page(browser, asgi_server):
    contexts = []

    def open_page(user, path):
        context = browser.new_context(base_url=asgi_server, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/signin/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.goto(path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_a_reader_follows_the_pen_without_reloading(room_page, version, facilitator, delegate_a):
    assert CHROMIUM
    reading = Reading.objects.create(
        version=version, number=1, paragraph=version.paragraphs.in_document_order().first()
    )
    if settings.ROOM_REDIS_URL:
        # The newest screen of an earlier run's reading of the same id (the test database
        # starts its ids again) would be sent as this one's.
        live.sync_client(settings.ROOM_REDIS_URL).delete(live.latest_key(reading.pk))
    second = version.paragraphs.in_document_order()[1]
    path = f"/c/{version.consultation.slug}/v/{version.label}/readings/{reading.number}/"
    pen = room_page(facilitator.user, path)
    reader = room_page(delegate_a.user, path)
    # A mark only this very document carries: a reload would lose it.
    reader.evaluate("document.body.dataset.stayed = 'yes'")
    label = reader.locator("#screen .screen-label").first

    pen.click("button.pen-next")
    expect(label).to_have_text(second.display_label)

    expect(pen.locator(".pen-wording h3")).to_contain_text(second.display_label)
    saved = second.text + " As agreed in the room."
    pen.fill(".pen-wording textarea", saved)
    pen.click(".pen-wording button[type=submit]")
    expect(reader.locator("#screen .screen-wording ins")).to_contain_text("As agreed in the room.")
    # The pen's answer, the form as saved, is in place: the reader's screen may come first.
    expect(pen.locator(".pen-wording input[name=previous]")).to_have_value(saved)

    # The status set from the pen reaches the reader's screen as a badge.
    status = reader.locator("#screen .screen-status .status-badge").first
    expect(status).to_have_text("Open")
    pen.select_option("#pen-status-status", "pending")
    pen.fill("#pen-status-waiting", "ken")
    pen.click(".pen-status button[type=submit]")
    expect(status).to_contain_text("Pending")
    expect(status).to_contain_text("KEN")
    expect(pen.locator("#pen-status-status option[selected]")).to_have_attribute("value", "pending")
    pen.select_option("#pen-status-status", "agreed_ad_ref")
    pen.click(".pen-status button[type=submit]")
    expect(reader.locator("#screen .stage-plenary")).to_have_text("Agreed ad ref")

    assert reader.evaluate("document.body.dataset.stayed") == "yes"
    screenshot(pen, "room-facilitator")
    screenshot(reader, "room-reader")
    reader.set_viewport_size({"width": 390, "height": 844})
    screenshot(reader, "room-reader-phone")
    reader.goto(path + "?view=projection")
    screenshot(reader, "room-projection")
