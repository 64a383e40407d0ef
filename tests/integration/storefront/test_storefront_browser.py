"""A buyer at the demo storefront in a real browser (Debian's chromium through Playwright):
two products into the cart, "Pay with Amazon", sign-in at the simulator, an address and a
card chosen in Amazon's widgets, Amazon's address on the review page, the order placed; staff
then see it in the back office with the buyer and the address. A buyer whose payment method
Amazon declines is asked to choose another, and pays with it."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from storefront_kit import BUYER, pay_with_amazon, place_order, staff_log_in, thanked

from shop import AUTHORIZATION_OPENS


def choose_payment_method(page: Page, payment_method: str) -> None:
    """The buyer picks another payment method in Amazon's wallet widget."""
    wallet = page.frame_locator("#wallet iframe")
    wallet.locator(f'[data-payment-method="{payment_method}"]').click()
    expect(wallet.locator(f'[data-payment-method="{payment_method}"]')).to_have_attribute(
        "aria-current", "true"
    )


def test_a_buyer_pays_with_amazon_and_staff_see_the_order_with_buyer_and_address(store, page):
    pay_with_amazon(page, address="1", payment_method="mastercard")
    expect(page.locator("#total")).to_have_text("63.89 EUR")  # 19.99 + 39.00 + 4.90
    expect(page.locator("#amazon-address")).to_contain_text("Berlin")
    expect(page.locator("#amazon-payment")).to_contain_text("MasterCard")
    order = place_order(page)
    store.work()
    store.later(AUTHORIZATION_OPENS)

    staff_log_in(page)
    page.goto(f"/orders/{order}")
    buyer = page.locator("section.buyer")
    expect(buyer).to_contain_text("Erika Mustermann")
    expect(buyer).to_contain_text(BUYER)
    expect(buyer).to_contain_text("Berlin")
    states = {s.inner_text() for s in page.locator(".item-state").all()}
    assert states == {"auth open"}
    assert store.app.ledger.money_summary(order).authorized.minor == 6389


def test_a_declined_payment_method_asks_the_buyer_for_another_who_then_pays(store, page):
    pay_with_amazon(page, payment_method="*not-allowed")
    page.click("button[name=place]")

    expect(page.locator("#choose-another")).to_contain_text("choose another payment method")
    choose_payment_method(page, "visa")
    expect(page.locator("button[name=place]")).to_be_enabled()
    page.click("button[name=place]")
    order = thanked(page)

    detail = store.app.queries.order(order)
    assert detail.buyer.buyer is not None
    assert detail.buyer.buyer.email == BUYER
