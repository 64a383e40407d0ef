"""The back office in a real browser (Debian's chromium through Playwright), against amzpay
served by uvicorn with the real gateway and the simulator: refund items and watch them
complete without reloading, a declined refund's reason, a wrong password."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from bo_shop import PASSWORD, USERNAME, BackOfficeShop
from playwright.sync_api import Page, expect

from shop import DECLINE, REFUND_SETTLES


@pytest.fixture(scope="module")
def served(shop: BackOfficeShop) -> Iterator[str]:
    with shop.serve() as url:
        yield url


def log_in(page: Page, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("#username", USERNAME)
    page.fill("#password", password)
    page.click("button[type=submit]")


def item_state(page: Page, item: str):
    return page.locator(f'[data-item="{item}"] .item-state')


def test_staff_refund_a_bundle_and_watch_it_complete_without_reloading(shop, page):
    order = shop.closed_order()
    log_in(page)
    page.goto(f"/orders/{order}")

    page.click("text=Refund items…")
    page.check("#bundle-tea-set")  # ticks the teapot and the cup
    expect(page.locator("#item-pot")).to_be_checked()
    expect(page.locator("#item-cup")).to_be_checked()
    expect(page.locator("[data-total]")).to_have_text("49.00 EUR")
    page.click("text=Refund the ticked items")
    page.wait_for_url(f"**/orders/{order}")
    page.evaluate("window.notReloaded = true")
    shop.work()  # the worker asks Amazon: the refund is pending

    expect(item_state(page, "pot")).to_have_text("refund pending")
    expect(item_state(page, "cup")).to_have_text("refund pending")
    expect(page.locator("[data-refund] .refund-state")).to_have_text("pending")

    shop.later(REFUND_SETTLES)  # Amazon completes it; its IPN arrives; the worker applies it

    expect(page.locator("[data-refund] .refund-state")).to_have_text("completed")
    expect(item_state(page, "pot")).to_have_text("refund completed")
    expect(item_state(page, "cup")).to_have_text("refund completed")
    assert page.evaluate("window.notReloaded") is True


def test_a_declined_refund_shows_amazons_reason(shop, page):
    order = shop.closed_order()
    log_in(page)
    page.goto(f"/orders/{order}/refund")

    page.check("#item-mug-1")
    page.check("#item-mug-2")
    expect(page.locator("[data-total]")).to_have_text("39.98 EUR")
    page.fill("#note", DECLINE)
    page.click("text=Refund the ticked items")
    page.wait_for_url(f"**/orders/{order}")
    shop.work()
    shop.later(REFUND_SETTLES)

    expect(page.locator("[data-refund] .refund-state")).to_have_text("declined")
    reason = page.locator("[data-refund] .reason")
    expect(reason).to_contain_text("AmazonRejected")
    expect(reason).to_contain_text("Amazon rejected it, usually because the seller account")
    expect(item_state(page, "mug-1")).to_have_text("refund declined")


PHONE = 390  # px: a phone held upright


def test_every_page_fits_a_phone_screen_its_wide_tables_scroll_in_their_own_box(
    shop, browser, served, tmp_path
):
    order = shop.closed_order()
    shop.app.refunds.request(order, ["mug-1"], actor="staff")
    shop.work()  # pending at Amazon: the waiting list has a row
    context = browser.new_context(base_url=served, viewport={"width": PHONE, "height": 844})
    page = context.new_page()
    log_in(page)
    page.wait_for_url("**/orders")
    paths = [
        "/orders",
        f"/orders/{order}",
        f"/orders/{order}/refund",
        f"/orders/{order}/history",
        "/refunds",
        "/ipns",
    ]
    widths = {}
    try:
        for path in paths:
            page.goto(path)
            if path == f"/orders/{order}":
                page.click("details.diagram summary")
                page.wait_for_selector(".diagram-body svg")
            page.screenshot(path=tmp_path / f"{len(widths)}.png", full_page=True)
            widths[path] = page.evaluate("document.documentElement.scrollWidth")
            boxes = page.evaluate(
                "[...document.querySelectorAll('table')].map(t => t.parentElement).map("
                "b => [b.className, b.scrollWidth > b.clientWidth])"
            )
            widths[path, "boxes"] = boxes
    finally:
        context.close()

    assert {path: widths[path] for path in paths} == dict.fromkeys(paths, PHONE)
    boxes = [box for path in paths for box in widths[path, "boxes"]]
    assert {name for name, _ in boxes} == {"scroll"}
    assert [True, True] in [[name == "scroll", scrolls] for name, scrolls in boxes]


def test_a_wrong_password_is_refused(page):
    log_in(page, password="this is not it, sorry")

    expect(page.locator(".notice")).to_have_text("Wrong username or password")
    assert page.url.endswith("/login")


def test_staff_open_a_refund_mail_and_read_its_html_in_the_sandboxed_frame(shop, page):
    order = shop.closed_order()
    shop.app.refunds.request(order, ["cup"], actor="staff")
    shop.work()
    shop.later(REFUND_SETTLES)  # completed: the buyer's mail is queued (no SMTP server here)
    log_in(page)
    page.goto(f"/orders/{order}/history?kind=mail")

    page.click("text=Show the e-mail")
    frame = page.frame_locator("iframe.mail-html")

    expect(page.locator(".mail-head")).to_contain_text("due")
    expect(page.locator(".mail-head")).to_contain_text("buyer@example.com")
    expect(frame.locator("body")).to_contain_text(order)
    expect(page.locator("pre.mail-text")).to_contain_text(order)
    # The frame's document runs no script and reaches nothing of the back office.
    assert frame.locator("body").evaluate("() => document.domain") == ""


def test_the_money_summary_follows_a_refund_without_reloading(shop, page):
    order = shop.closed_order()
    log_in(page)
    page.goto(f"/orders/{order}/refund")
    page.check("#item-mug-1")
    page.click("text=Refund the ticked items")
    page.wait_for_url(f"**/orders/{order}")
    expect(page.locator("[data-money-captured]")).to_have_text("93.88 EUR")
    page.evaluate("window.notReloaded = true")

    shop.work()  # the refund is pending at Amazon

    expect(page.locator("[data-money-pending]")).to_have_text("19.99 EUR")
    shop.later(REFUND_SETTLES)
    expect(page.locator("[data-money-refunded]")).to_have_text("19.99 EUR")
    expect(page.locator("[data-money-pending]")).to_have_text("0.00 EUR")
    expect(page.locator("[data-money-refundable]")).to_have_text("73.89 EUR")
    assert page.evaluate("window.notReloaded") is True
