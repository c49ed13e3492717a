"""Browser fixtures: Playwright's sync API driving Debian's Chromium against `live_server`.

Playwright's own browser download cannot work on the project's machines, so the tests use
the distribution's Chromium at a fixed path. CI installs it (`.ci/run`): when it is missing
the browser tests fail loudly instead of being skipped, so a green run always means they ran.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
# Set to a folder (e.g. /tmp/screens) to keep screenshots of the pages the tests visit.
SCREENSHOT_DIR_VAR = "TINHSO_SCREENSHOT_DIR"


@pytest.fixture(scope="session")
def _allow_async_unsafe() -> Iterator[None]:
    """Playwright's sync API keeps an asyncio loop running in the test thread, which makes
    Django refuse ORM calls there (SynchronousOnlyOperation). The calls are in fact
    synchronous, so the guard is lifted for the browser tests only and restored after."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(_allow_async_unsafe: None) -> Iterator[object]:
    """One headless Chromium for the session."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM}, which is missing: "
            "install it with `apt-get install -y chromium` (.ci/run does). "
            "Do not run `playwright install`: its download cannot work here.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser, live_server, transactional_db) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies) whose person reads Vietnamese, as a citizen of
    the province would: Accept-Language vi-VN, Vietnam's time zone, a laptop-sized window."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def screenshot():  # type: ignore[no-untyped-def]
    """`screenshot(page, "name")` saves a full-page PNG when TINHSO_SCREENSHOT_DIR is set."""
    folder = os.environ.get(SCREENSHOT_DIR_VAR)

    def take(page, name: str) -> Path | None:  # type: ignore[no-untyped-def]
        if not folder:
            return None
        path = Path(folder) / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
