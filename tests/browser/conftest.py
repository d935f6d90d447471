"""Fixtures for the browser tests: Debian's Chromium driven by Playwright.

Playwright drives the system's ``chromium`` (``WEFT_TEST_CHROMIUM`` overrides
the path); it never downloads a browser. Without one the tests skip with a
message saying what to install, and under ``CI=true`` they fail.

Playwright's sync API marks an asyncio loop as running in this thread while it
is started, so it is started and stopped around each test (half a second), never
for the whole session: the async tests and the ``server`` fixture's cleanup
(``asyncio.run``) need the thread free. Anything async a browser test needs
goes through ``tests.browser.pages.run_async``, which uses a thread of its own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Error, Page, sync_playwright

from tests.backends import CI
from tests.live import ROOT, LiveServer

CHROMIUM = Path(os.environ.get("WEFT_TEST_CHROMIUM", "/usr/bin/chromium"))
# The test machine's network is closed: without these Chromium waits on its
# background services (updates, sync, QUIC probes) and a page load can stall.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SIZES: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}
SCREENSHOTS = ROOT / "tests" / "artifacts" / "browser"
# Long enough for a slow CI machine; a failing step still fails in seconds, not minutes.
TIMEOUT_MS = 15_000

NewContext = Callable[..., BrowserContext]
# Most browser tests check pages, not storage: SQLite is enough (the journey runs on both).
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def chromium_missing(message: str) -> None:
    """Skip on a laptop without Chromium; fail under CI, which must have it."""
    if CI:
        pytest.fail(f"CI=true and {message}")
    pytest.skip(message)


@pytest.fixture
def browser(server: LiveServer) -> Iterator[Browser]:
    """A headless Chromium for this test (after ``server``, so it stops first)."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        chromium_missing(
            f"Chromium is not installed at {CHROMIUM}: install Debian's package "
            "(apt-get install chromium) or set WEFT_TEST_CHROMIUM to a Chromium binary "
            "to run the browser tests"
        )
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000
            )
        except Error as error:
            first_line = str(error).strip().splitlines()[0]
            chromium_missing(f"Chromium at {CHROMIUM} did not start: {first_line}")
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def new_context(browser: Browser, server: LiveServer) -> Iterator[NewContext]:
    """Make a fresh browser profile (own cookies) at a size, on the live server.

    Every page opened in it is watched for uncaught script errors; the test
    fails on any at the end.
    """
    errors: list[str] = []
    contexts: list[BrowserContext] = []

    def make(size: str = "desktop", **options: Any) -> BrowserContext:
        context = browser.new_context(base_url=server.url, **SIZES[size], **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("page", lambda page: _watch_errors(page, errors))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    assert not errors, "script errors in the page:\n" + "\n".join(errors)


def _watch_errors(page: Page, errors: list[str]) -> None:
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))


@pytest.fixture(params=list(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    """Run the test at a desktop and at a phone size."""
    name: str = request.param
    return name


class Screenshots:
    """Numbered full-page screenshots of one test, in tests/artifacts/browser/ (git-ignored)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.count = 0

    def take(self, page: Page, name: str) -> Path:
        self.count += 1
        path = self.directory / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def screenshots(request: pytest.FixtureRequest) -> Screenshots:
    """Where this test's screenshots go: a folder named after the test, emptied first.

    Only this test's folder is touched: another run may be using its neighbours.
    """
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    directory = SCREENSHOTS / name
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.png"):
        old.unlink(missing_ok=True)
    return Screenshots(directory)
