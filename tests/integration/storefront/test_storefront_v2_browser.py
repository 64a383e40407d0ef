"""A buyer at the demo storefront paying with Amazon Pay API v2 in a real browser (Debian's
chromium through Playwright): two products into the cart, the v2 button (checkout.js with
the payload amzpay signed), sign-in, an address and a card at the simulator's hosted pages,
Amazon's address and payment method on the review page, "Place order", the authentication
step at amazonPayRedirectUrl, the thank-you page; staff then see the order in the back
office with the buyer and the address. A buyer whose card Amazon declines is asked to choose
another payment method; one who abandons the authentication is back at the cart."""

from __future__ import annotations

from playwright.sync_api import expect
from storefront_kit import (
    BUYER,
    pay_with_amazon_v2,
    place_and_authenticate,
    place_order_v2,
    staff_log_in,
)


def test_a_buyer_pays_with_amazon_v2_and_staff_see_the_order_with_buyer_and_address(store, page):
    pay_with_amazon_v2(page, card="mastercard")
    expect(page.locator("#total")).to_have_text("63.89 EUR")  # 19.99 + 39.00 + 4.90
    expect(page.locator("#amazon-address")).to_contain_text("Friedrichstrasse 43")
    expect(page.locator("#amazon-address")).to_contain_text("Berlin")
    expect(page.locator("#amazon-payment")).to_have_text("MasterCard ****4444")

    order = place_order_v2(page)

    staff_log_in(page)
    page.goto(f"/orders/{order}")
    buyer = page.locator("section.buyer")
    expect(buyer).to_contain_text("Erika Mustermann")
    expect(buyer).to_contain_text(BUYER)
    expect(buyer).to_contain_text("Berlin")
    stored = store.app.queries.order(order)
    permission = stored.order.amazon_order_reference_id
    assert store.amazon.sim.v2.books.permissions[permission].status.state == "Chargeable"


def test_a_declined_card_sends_the_buyer_to_choose_another_payment_method(store, page):
    orders = store.app.queries.orders().total
    pay_with_amazon_v2(page, card="*declined")

    place_and_authenticate(page, "Confirm payment")

    expect(page.locator("#choose-another")).to_contain_text("choose another payment method")
    expect(page.locator('#AmazonPayButtonV2 [data-amazon-pay="v2"]')).to_be_visible()
    assert store.app.queries.orders().total == orders


def test_a_buyer_who_abandons_the_authentication_is_back_at_the_cart(store, page):
    orders = store.app.queries.orders().total
    pay_with_amazon_v2(page, card="visa")

    place_and_authenticate(page, "Cancel and return to the shop")

    page.wait_for_url("**/shop/v2/result?*")
    expect(page.locator("h1")).to_have_text("Your cart")
    expect(page.locator("[role=alert]")).to_contain_text("gave up confirming the payment")
    expect(page.locator("#total")).to_have_text("63.89 EUR")  # the cart is kept
    assert store.app.queries.orders().total == orders
