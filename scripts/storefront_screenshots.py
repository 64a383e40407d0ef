"""Screenshots of the demo storefront for the README: the review page with Amazon's widgets
and address, and the order it placed on the back office's order page.

    .venv/bin/python scripts/storefront_screenshots.py [--out docs/images]

Builds the storefront the browser tests use (tests/integration/storefront/storefront_kit.py:
amzpay on a temporary SQLite file, the real gateway against the simulator in-process, the
storefront at /shop and the simulator at /simulator on one loopback port), buys two products
with Debian's chromium and saves docs/images/storefront-review.png and
docs/images/storefront-order.png.
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

from storefront_kit import STAFF, STAFF_PASSWORD, Storefront  # noqa: E402 - the test harness

from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - the test harness, as above
from shop import AUTHORIZATION_OPENS  # noqa: E402 - the test harness, as above

VIEWPORT = {"width": 1280, "height": 900}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="amzpay-shots-") as folder:
        store = Storefront(Path(folder))
        try:
            with store.serve(), sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(
                    base_url=store.url, viewport=VIEWPORT, device_scale_factor=1
                )
                _review(page)
                page.screenshot(path=out / "storefront-review.png", full_page=True)
                page.click("button[name=place]")
                page.wait_for_url("**/shop/thanks/*")
                order = page.locator("#order-reference").inner_text()
                store.work()
                store.later(AUTHORIZATION_OPENS)
                _staff_open(page, order)
                page.screenshot(path=out / "storefront-order.png", full_page=True)
                browser.close()
        finally:
            store.close()
    print(f"saved {out / 'storefront-review.png'} and {out / 'storefront-order.png'}")  # noqa: T201


def _review(page: Page) -> None:
    """Two products in the cart, signed in at Amazon, an address and a card chosen."""
    for product in ("Mug", "Teapot"):
        page.goto("/shop")
        page.click(f"text=Add {product} to cart")
    with page.expect_popup() as opened:
        page.click("text=Pay with Amazon")
    popup = opened.value
    popup.fill("#email", "erika.mustermann@example.com")
    popup.fill("#password", "sandbox-password")
    popup.click("button[type=submit]")
    page.wait_for_url("**/shop/review?*")
    page.frame_locator("#addressBook iframe").locator('[data-address="1"]').click()
    page.frame_locator("#wallet iframe").locator('[data-payment-method="mastercard"]').click()
    expect(page.locator("#amazon-payment")).to_contain_text("MasterCard")
    expect(page.locator("button[name=place]")).to_be_enabled()


def _staff_open(page: Page, order: str) -> None:
    page.goto("/login")
    page.fill("#username", STAFF)
    page.fill("#password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"/orders/{order}")


if __name__ == "__main__":
    main()
