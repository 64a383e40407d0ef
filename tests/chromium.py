"""Debian's chromium as the browser tests launch it through Playwright (never downloaded),
and the fixtures of a module of browser tests: one browser for the module, and a page of a
fresh browser context on the site the module's ``served`` fixture serves, at the size its
``viewport`` fixture says (a conftest or module may give its own)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

CHROMIUM = "/usr/bin/chromium"
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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Module-scoped, not session-scoped: Playwright's sync API keeps an asyncio loop running in
    the main thread until it stops, which breaks every later test that runs a loop of its own
    (asyncio.run, anyio's portals)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def viewport() -> ViewportSize:
    return {"width": 1280, "height": 800}


@pytest.fixture
def page(browser: Browser, served: str, viewport: ViewportSize) -> Iterator[Page]:
    context = browser.new_context(base_url=served, viewport=viewport)
    try:
        yield context.new_page()
    finally:
        context.close()
