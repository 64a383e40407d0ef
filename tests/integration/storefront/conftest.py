"""Fixtures: the demo storefront (``storefront_kit.py``), a client of it, one browser
(Debian's chromium, driven by Playwright) for the module of browser tests, the storefront
served for it (``served``: a module may give its own ``store``), and a page of a fresh
browser context."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from storefront_kit import Storefront

from chromium import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Storefront]:
    made = Storefront(tmp_path_factory.mktemp("storefront"))
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def client(store: Storefront) -> Iterator[httpx.Client]:
    with store.client() as made:
        yield made


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Module-scoped: Playwright's sync API keeps an asyncio loop running in the main thread
    until it stops (see tests/integration/backoffice/conftest.py)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def served(store: Storefront) -> Iterator[str]:
    with store.serve() as url:
        yield url


@pytest.fixture
def page(browser: Browser, served: str) -> Iterator[Page]:
    context = browser.new_context(base_url=served, viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()
