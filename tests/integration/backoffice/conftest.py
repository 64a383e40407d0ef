"""Fixtures: a shop with its back office (``bo_shop.py``), a client of it, and one browser
(Debian's chromium, driven by Playwright) for the module of browser tests with a page of a
fresh context on what the module serves (``chromium.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from bo_shop import BackOfficeShop, http_client, opened_shop

from chromium import browser, page, viewport  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackOfficeShop]:
    with opened_shop(tmp_path_factory.mktemp("backoffice")) as made:
        yield made


@pytest.fixture
def client(shop: BackOfficeShop) -> Iterator[httpx.Client]:
    with http_client(shop.web) as made:
        yield made
