"""Fixtures: the demo storefront (``storefront_kit.py``), a client of it, one browser
(Debian's chromium, driven by Playwright) for the module of browser tests, the storefront
served for it (``served``: a module may give its own ``store``), and a page of a fresh
browser context (``chromium.py``), a little taller than the back office's."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import ViewportSize
from storefront_kit import Storefront

from chromium import browser, page  # noqa: F401  (fixtures)


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
def served(store: Storefront) -> Iterator[str]:
    with store.serve() as url:
        yield url


@pytest.fixture
def viewport() -> ViewportSize:
    return {"width": 1280, "height": 900}
