"""Fixtures: the demo storefront (``storefront_kit.py``), a client of it, and one browser
(Debian's chromium, driven by Playwright) for the module of browser tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright
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
