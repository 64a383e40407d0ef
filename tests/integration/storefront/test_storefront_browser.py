"""A buyer at the demo storefront in a real browser (Debian's chromium through Playwright):
two products into the cart, "Pay with Amazon", sign-in at the simulator, an address and a
card chosen in Amazon's widgets, Amazon's address on the review page, the order placed; staff
then see it in the back office with the buyer and the address. A buyer whose payment method
Amazon declines is asked to choose another, and pays with it."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from storefront_kit import STAFF, STAFF_PASSWORD

from shop import AUTHORIZATION_OPENS

ERIKA, PASSWORD = "erika.mustermann@example.com", "sandbox-password"


def fill_cart_and_sign_in(page: Page) -> None:
    page.goto("/shop")
    page.click("text=Add Mug to cart")
    page.goto("/shop")
    page.click("text=Add Teapot to cart")
    expect(page.locator("#total")).to_have_text("63.89 EUR")  # 19.99 + 39.00 + 4.90
    with page.expect_popup() as opened:
        page.click("text=Pay with Amazon")
    popup = opened.value
    popup.fill("#email", ERIKA)
    popup.fill("#password", PASSWORD)
    popup.click("button[type=submit]")
    page.wait_for_url("**/shop/review?*")


def choose(page: Page, address: str | None = None, payment_method: str | None = None) -> None:
    if address is not None:
        book = page.frame_locator("#addressBook iframe")
        book.locator(f'[data-address="{address}"]').click()
        expect(book.locator(f'[data-address="{address}"]')).to_have_attribute(
            "aria-current", "true"
        )
    if payment_method is not None:
        wallet = page.frame_locator("#wallet iframe")
        wallet.locator(f'[data-payment-method="{payment_method}"]').click()
        expect(wallet.locator(f'[data-payment-method="{payment_method}"]')).to_have_attribute(
            "aria-current", "true"
        )


def place(page: Page) -> None:
    expect(page.locator("button[name=place]")).to_be_enabled()
    page.click("button[name=place]")


def order_placed(page: Page) -> str:
    page.wait_for_url("**/shop/thanks/*")
    return page.locator("#order-reference").inner_text()


def staff_open(page: Page, order: str) -> None:
    page.goto("/login")
    page.fill("#username", STAFF)
    page.fill("#password", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"/orders/{order}")


def test_a_buyer_pays_with_amazon_and_staff_see_the_order_with_buyer_and_address(store, page):
    fill_cart_and_sign_in(page)
    choose(page, address="1", payment_method="mastercard")
    expect(page.locator("#amazon-address")).to_contain_text("Berlin")
    expect(page.locator("#amazon-payment")).to_contain_text("MasterCard")
    place(page)
    order = order_placed(page)
    store.work()
    store.later(AUTHORIZATION_OPENS)

    staff_open(page, order)
    buyer = page.locator("section.buyer")
    expect(buyer).to_contain_text("Erika Mustermann")
    expect(buyer).to_contain_text(ERIKA)
    expect(buyer).to_contain_text("Berlin")
    states = {s.inner_text() for s in page.locator(".item-state").all()}
    assert states == {"auth open"}
    assert store.app.ledger.money_summary(order).authorized.minor == 6389


def test_a_declined_payment_method_asks_the_buyer_for_another_who_then_pays(store, page):
    fill_cart_and_sign_in(page)
    choose(page, payment_method="*not-allowed")
    place(page)

    expect(page.locator("#choose-another")).to_contain_text("choose another payment method")
    choose(page, payment_method="visa")
    place(page)
    order = order_placed(page)

    detail = store.app.queries.order(order)
    assert detail.buyer.buyer is not None
    assert detail.buyer.buyer.email == ERIKA
