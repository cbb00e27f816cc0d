"""Real-browser tests: Playwright driving Debian's Chromium against a live server.

Browsers cannot be downloaded here, so Playwright launches ``/usr/bin/chromium``.
Without it the tests skip, except under ``REQUIRE_E2E=1`` (CI), where they fail.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Screenshots of browser tests, under var/ with everything else the app and tests write.
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
PASSWORD = "correct horse battery"  # the personas' password in tests/conftest.py

# Playwright runs its own event loop in this thread; Django's ORM calls from the test body are
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def stakeholder_groups(transactional_db):
    # Live-server tests flush the database after each test, data migrations included.
    from wsis.stakeholders.groups import ensure_groups
    from wsis.stakeholders.models import StakeholderGroup

    ensure_groups(StakeholderGroup)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_E2E") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM} and REQUIRE_E2E=1")
        pytest.skip(f"Chromium not found at {CHROMIUM}: run `make system-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """``new_page(user=None, **context_options)``: a fresh browser context, signed in as
    ``user`` if given."""
    contexts = []

    def open_page(user=None, **options):
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        if user is not None:
            page.goto("/signin/")
            page.fill("#id_username", user.username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
        return page

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
