"""Screenshots of the back office for the README: the order page and the refund form.

    .venv/bin/python scripts/backoffice_screenshots.py [--out docs/images]

Builds the shop the browser tests use (tests/integration/backoffice/bo_shop.py: amzpay on a
temporary SQLite file, the real gateway against the simulator in-process), takes one order
through a completed refund, a declined one and a pending one, logs in with Debian's chromium
and saves docs/images/backoffice-order.png and docs/images/backoffice-refund.png.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "integration" / "backoffice"))

from bo_shop import (  # noqa: E402 - the test harness is found through the path above
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    USERNAME,
    BackOfficeShop,
)

from shop import DECLINE, REFUND_SETTLES  # noqa: E402 - the test harness, as above

VIEWPORT = {"width": 1280, "height": 800}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="amzpay-shots-") as folder:
        shop = BackOfficeShop(Path(folder))
        try:
            shop.add_staff()
            order = _order_with_history(shop)
            with shop.serve() as url, sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1)
                _log_in(page, url)
                page.goto(f"{url}/orders/{order}")
                page.screenshot(path=out / "backoffice-order.png", full_page=True)
                page.goto(f"{url}/orders/{order}/refund")
                page.check("#bundle-tea-set")
                page.wait_for_selector("[data-total]")
                page.screenshot(path=out / "backoffice-refund.png", full_page=True)
                browser.close()
        finally:
            shop.close()
    print(f"saved {out / 'backoffice-order.png'} and {out / 'backoffice-refund.png'}")  # noqa: T201


def _order_with_history(shop: BackOfficeShop) -> str:
    """An order with one refund completed, one declined by Amazon and one still pending."""
    order = shop.closed_order()
    shop.app.refunds.request(order, ["mug-1"], actor="ada")
    shop.work()
    shop.later(REFUND_SETTLES)
    shop.app.refunds.request(order, ["cup"], actor="ada", note=DECLINE)
    shop.work()
    shop.later(REFUND_SETTLES)
    shop.app.refunds.request(order, ["mug-2"], actor="ada")
    shop.work()
    return order


def _log_in(page: Page, url: str) -> None:
    page.goto(f"{url}/login")
    page.fill("#username", USERNAME)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/orders")


if __name__ == "__main__":
    main()
