"""Fixtures: a shop with its back office (``bo_shop.py``), a client of it, and one browser
for the whole session (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from bo_shop import CHROMIUM, CHROMIUM_ARGS, BackOfficeShop, http_client
from playwright.sync_api import Browser, sync_playwright


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackOfficeShop]:
    made = BackOfficeShop(tmp_path_factory.mktemp("backoffice"))
    made.add_staff()
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def client(shop: BackOfficeShop) -> Iterator[httpx.Client]:
    with http_client(shop.web) as made:
        yield made


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
