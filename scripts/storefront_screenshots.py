"""Screenshots of the demo storefront for the README: the review page with Amazon's widgets
and address, the order it placed on the back office's order page, and that order page again
once staff captured the order and refunded one of its two products; then the order page of
an order paid through API v2's button and hosted pages, captured and partly refunded too.

    .venv/bin/python scripts/storefront_screenshots.py [--out docs/images]

Builds the storefront the browser tests use (tests/integration/storefront/storefront_kit.py:
amzpay on a temporary SQLite file, the real gateway against the simulator in-process, the
storefront at /shop and the simulator at /simulator on one loopback port), buys two products
with Debian's chromium and saves docs/images/storefront-review.png,
docs/images/storefront-order.png, docs/images/storefront-order-refunded.png and
docs/images/storefront-v2-order-refunded.png.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "integration" / "storefront"))

# the test harness:
from storefront_kit import (  # noqa: E402
    Storefront,
    capture_all,
    pay_with_amazon,
    pay_with_amazon_v2,
    place_order,
    place_order_v2,
    refund_product,
    staff_log_in,
)

from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - the test harness, as above
from shop import AUTHORIZATION_OPENS, REFUND_SETTLES  # noqa: E402 - the test harness, as above

VIEWPORT = {"width": 1280, "height": 900}
SHOTS = (
    "storefront-review.png",
    "storefront-order.png",
    "storefront-order-refunded.png",
    "storefront-v2-order-refunded.png",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    review, placed, refunded, v2_refunded = (out / name for name in SHOTS)
    with tempfile.TemporaryDirectory(prefix="amzpay-shots-") as folder:
        store = Storefront(Path(folder))
        try:
            with store.serve(), sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(
                    base_url=store.url, viewport=VIEWPORT, device_scale_factor=1
                )
                pay_with_amazon(page)
                expect(page.locator("#amazon-payment")).to_contain_text("MasterCard")
                page.screenshot(path=review, full_page=True)
                order = place_order(page)
                store.work()
                store.later(AUTHORIZATION_OPENS)
                staff_log_in(page)
                page.goto(f"/orders/{order}")
                page.screenshot(path=placed, full_page=True)
                _capture_and_refund_the_mug(store, page, order)
                page.screenshot(path=refunded, full_page=True)
                pay_with_amazon_v2(page)
                order = place_order_v2(page)
                store.work()
                page.goto(f"/orders/{order}")
                _capture_and_refund_the_mug(store, page, order)
                page.screenshot(path=v2_refunded, full_page=True)
                browser.close()
        finally:
            store.close()
    print("saved", *(out / name for name in SHOTS))  # noqa: T201


def _capture_and_refund_the_mug(store: Storefront, page: Page, order: str) -> None:
    """Staff capture the order and refund its mug in the back office; Amazon settles both."""
    capture_all(store, page, order, items=2)
    refund_product(store, page, order, "Mug", total="19.99 EUR")
    store.later(REFUND_SETTLES)
    page.reload()
    expect(page.locator("[data-money-refunded]")).to_have_text("19.99 EUR")


if __name__ == "__main__":
    main()
