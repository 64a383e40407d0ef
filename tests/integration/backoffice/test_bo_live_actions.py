"""The order page's actions follow the items while the page waits on Amazon: its live part
carries them out of band (htmx's hx-swap-oob), so the refund button becomes usable when a
capture completes, with no reload."""

from __future__ import annotations

import re

import pytest
from bo_shop import log_in


@pytest.fixture
def csrf(client):
    return log_in(client)


def actions(html: str) -> list[tuple[str, str]]:
    """Each ``#order-actions`` block: its attributes after the id, and its content."""
    return re.findall(r'<div class="actions" id="order-actions"([^>]*)>(.*?)</div>', html, re.S)


def refund_link(order: str) -> str:
    return f'<a class="button primary" href="/orders/{order}/refund">Refund items…</a>'


def test_the_live_part_brings_the_refund_button_once_the_capture_completes(shop, client, csrf):
    order = shop.place()
    shop.app.orders.fire(order, "capture", None, actor="staff")  # staff ask; the worker will
    waiting = client.get(f"/orders/{order}/live").text
    shop.work()  # the capture is asked of Amazon, which completes it
    settled = client.get(f"/orders/{order}/live").text

    assert 'hx-trigger="every' in waiting
    [(attributes, shown)] = actions(waiting)
    assert 'hx-swap-oob="true"' in attributes
    assert refund_link(order) not in shown
    [(attributes, shown)] = actions(settled)
    assert 'hx-swap-oob="true"' in attributes
    assert refund_link(order) in shown


def test_the_full_page_has_its_actions_once_and_in_place(shop, client, csrf):
    order = shop.closed_order()

    page = client.get(f"/orders/{order}").text

    [(attributes, shown)] = actions(page)
    assert "hx-swap-oob" not in attributes
    assert refund_link(order) in shown
