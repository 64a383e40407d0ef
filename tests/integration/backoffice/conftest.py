"""Fixtures: a shop with its back office (``bo_shop.py``), a client of it, and one browser
(Debian's chromium, driven by Playwright) for the module of browser tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from bo_shop import CHROMIUM, CHROMIUM_ARGS, BackOfficeShop, http_client, opened_shop
from playwright.sync_api import Browser, sync_playwright


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackOfficeShop]:
    with opened_shop(tmp_path_factory.mktemp("backoffice")) as made:
        yield made


@pytest.fixture
def client(shop: BackOfficeShop) -> Iterator[httpx.Client]:
    with http_client(shop.web) as made:
        yield made


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
