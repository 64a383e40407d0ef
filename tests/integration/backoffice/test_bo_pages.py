"""The back office's pages over plain HTTP: the order page, events, the refund preview and
request, the lists, the history, the diagram, and the error pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bo_shop import log_in

from amzpay.web.backoffice import routes
from shop import DECLINE, REFUND_SETTLES


@pytest.fixture
def csrf(client):
    return log_in(client)


def _rows(html: str, marker: str) -> dict[str, str]:
    """The table rows carrying ``data-<marker>``, by that value."""
    found = re.findall(rf'<tr[^>]*data-{marker}="([^"]+)"[^>]*>(.*?)</tr>', html, re.DOTALL)
    return dict(found)


def test_the_route_list_holds_the_pages_and_actions(client):
    listed = set(routes())

    assert {("GET", "/orders/{reference}"), ("POST", "/orders/{reference}/refund")} <= listed
    assert ("POST", "/refunds/{reference_id}/check") in listed


def test_the_order_page_shows_bundles_with_their_items_and_the_payments(shop, client, csrf):
    order = shop.closed_order()

    page = client.get(f"/orders/{order}").text

    assert re.search(
        r'class="bundle".*Tea set.*bundle of 2.*data-item="pot".*data-item="cup"', page, re.S
    )
    items = _rows(page, "item")
    assert "closed" in items["mug-1"]
    assert "4.90 EUR" in items["shipping"]
    assert "authorization" in page
    assert "93.88 EUR" in page  # captured: 2 x 19.99 + 49.00 + 4.90
    assert "No refund yet" in page


def test_the_events_the_items_allow_are_buttons_that_fire_them(shop, client, csrf):
    order = shop.place()

    page = client.get(f"/orders/{order}").text
    fired = client.post(
        f"/orders/{order}/events",
        data={"event": "capture", "items": ["mug-1", "mug-2"], "csrf_token": csrf},
    )
    shop.work()
    after = _rows(client.get(f"/orders/{order}").text, "item")

    assert re.search(r"Capture 4 items</button>", page)
    assert re.search(
        r'data-item="pot".*?<button class="small" type="submit">capture</button>', page, re.S
    )
    assert '<span class="button disabled" title="No item can be refunded now">' in page
    assert fired.headers["location"] == f"/orders/{order}"
    assert "capture" in after["mug-1"]
    assert "auth open" in after["pot"]


def test_an_item_whose_capture_is_still_requested_is_not_offered_for_refund(shop, client, csrf):
    order = shop.place()
    shop.app.orders.fire(order, "capture", ["mug-1"], actor="staff")  # Amazon not asked yet

    page = client.get(f"/orders/{order}").text
    form = client.get(f"/orders/{order}/refund").text

    mug = _rows(page, "item")["mug-1"]
    assert "capture requested" in mug
    assert "its capture has not taken the money yet" in mug
    assert "refundable" not in mug
    assert '<span class="button disabled" title="No item can be refunded now">' in page
    assert re.search(r'value="mug-1" disabled.*its capture has not taken the money', form, re.S)


def test_reauthorize_is_not_offered_while_the_order_reference_is_suspended(shop, client, csrf):
    order = shop.suspended_order()

    page = client.get(f"/orders/{order}").text
    forced = client.post(
        f"/orders/{order}/events",
        data={"event": "reauthorize", "items": ["mug-1"], "csrf_token": csrf},
    )
    shop.work()

    assert "auth declined" in _rows(page, "item")["mug-1"]
    assert "reauthorize" not in page.lower()
    assert "cancel" in _rows(page, "item")["mug-1"]
    assert forced.status_code == 409
    assert "Nothing was done: &#39;reauthorize&#39; is not possible" in forced.text
    assert "is suspended: the buyer must first choose another payment method" in forced.text
    assert {view.state for view in shop.app.orders.items(order)} == {"auth declined"}


def test_an_authorization_amazon_refuses_is_explained_in_words_with_amazons_message(
    shop, client, csrf
):
    order = shop.suspended_order()
    with shop.app.database.transaction() as tx:  # our record lags behind Amazon's
        amazon_id = tx.order(order).amazon_order_reference_id
        tx.set_order_reference(order, amazon_id, "open", None, shop.amazon.clock.now())
    client.post(
        f"/orders/{order}/events",
        data={"event": "reauthorize", "items": ["mug-1"], "csrf_token": csrf},
    )
    shop.work()

    page = client.get(f"/orders/{order}").text

    failed = re.search(r"<tr>\s*<td>authorization</td>(?:(?!</tr>).)*failed.*?</tr>", page, re.S)
    assert failed is not None
    assert "InvalidOrderReferenceStatus</span><br>" in failed.group(0)
    assert "Amazon&#39;s order reference is not Open" in failed.group(0)
    assert "authorizations are only allowed while it is Open" in failed.group(0)
    reason = re.search(r'<td class="reason">.*?</td>', failed.group(0), re.S)
    assert reason is not None
    assert "405" not in reason.group(0)  # Amazon's HTTP status is not shown (ids may hold it)


def test_a_normal_close_reason_is_plain_information_not_a_problem(shop, client, csrf):
    order = shop.closed_order()

    page = client.get(f"/orders/{order}").text

    assert (
        '<span class="info">the authorization has already been captured</span> '
        '<span class="id">MaxCapturesProcessed</span>'
    ) in page
    assert '<span class="code">MaxCapturesProcessed' not in page


def test_an_event_the_items_refuse_is_a_readable_409(shop, client, csrf):
    order = shop.closed_order()

    answer = client.post(
        f"/orders/{order}/events", data={"event": "capture", "items": ["mug-1"], "csrf_token": csrf}
    )

    assert answer.status_code == 409
    assert "Nothing was done: item mug-1 is in &#39;closed&#39;" in answer.text
    assert "the order is closed, only refunds" in answer.text


def test_the_preview_shows_the_amount_per_capture_and_why_lines_cannot_be_refunded(
    shop, client, csrf
):
    order = shop.closed_order()
    shop.app.refunds.request(order, ["mug-1"], actor="test")

    form = client.get(f"/orders/{order}/refund").text
    preview = client.post(
        f"/orders/{order}/refund/preview", data={"items": ["pot", "cup"], "csrf_token": csrf}
    ).text

    assert re.search(r'value="mug-1" disabled.*refund pending', form, re.S)
    assert "Capture <code>C-" in preview
    assert re.search(r"Teapot</td><td class=\"num\">29.40 EUR", preview)
    assert re.search(r"Cup</td><td class=\"num\">19.60 EUR", preview)
    assert re.search(r"data-total>49.00 EUR", preview)


def test_a_preview_of_an_item_that_cannot_be_refunded_says_why(shop, client, csrf):
    order = shop.closed_order()
    shop.app.refunds.request(order, ["mug-1"], actor="test")

    preview = client.post(
        f"/orders/{order}/refund/preview", data={"items": ["mug-1"], "csrf_token": csrf}
    ).text

    assert "mug-1" in preview
    assert "refund pending" in preview


def test_confirming_a_refund_holds_the_items_until_amazon_settles_it(shop, client, csrf):
    order = shop.closed_order()

    answer = client.post(
        f"/orders/{order}/refund", data={"items": ["mug-1", "pot"], "csrf_token": csrf}
    )
    shop.work()
    pending = client.get(f"/orders/{order}/live").text
    shop.later(REFUND_SETTLES)
    settled = client.get(f"/orders/{order}/live").text

    assert answer.headers["location"] == f"/orders/{order}"
    assert "refund pending" in _rows(pending, "item")["mug-1"]
    assert 'hx-trigger="every' in pending
    [refund] = _rows(settled, "refund").values()
    assert "completed" in refund
    assert "49.39 EUR" in refund
    assert "refund completed" in _rows(settled, "item")["pot"]
    assert 'hx-trigger="every' not in settled  # nothing pending: the page stops asking


def test_a_declined_refund_shows_amazons_reason_in_words(shop, client, csrf):
    order = shop.closed_order()

    client.post(
        f"/orders/{order}/refund", data={"items": ["cup"], "note": DECLINE, "csrf_token": csrf}
    )
    shop.work()
    shop.later(REFUND_SETTLES)
    page = client.get(f"/orders/{order}").text

    [refund] = _rows(page, "refund").values()
    assert "declined" in refund
    assert re.search(r"AmazonRejected</span><br><span[^>]*>Amazon rejected it", refund)
    assert "refund declined" in _rows(page, "item")["cup"]


def test_an_expense_alone_is_refused_alike_by_the_preview_and_the_refund_form(shop, client, csrf):
    order = shop.closed_order()

    preview = client.post(
        f"/orders/{order}/refund/preview", data={"items": ["shipping"], "csrf_token": csrf}
    ).text
    refused = client.post(
        f"/orders/{order}/refund", data={"items": ["shipping"], "csrf_token": csrf}
    )

    reason = "an expense is not chosen: it comes with the last refundable items of the order"
    assert reason in preview
    assert refused.status_code == 409
    assert f"Nothing was refunded: &#39;shipping&#39; cannot be refunded: {reason}" in refused.text
    assert shop.app.refunds.refunds(order) == []


def test_an_empty_refund_is_refused_with_a_message(shop, client, csrf):
    order = shop.closed_order()

    answer = client.post(f"/orders/{order}/refund", data={"csrf_token": csrf})

    assert answer.status_code == 422
    assert "Tick at least one item" in answer.text


def test_a_capture_ipn_confirming_the_calls_answer_is_logged_without_a_note(shop, client, csrf):
    order = shop.closed_order()

    log = client.get("/ipns", params={"type": "PaymentCapture"}).text
    noted = client.get("/ipns", params={"type": "PaymentCapture", "errors": "1"}).text

    [row] = [r for r in re.findall(r"<tr>(.*?)</tr>", log, re.S) if f"/orders/{order}" in r]
    assert '<td class="reason small"></td>' in row
    assert "stale" not in log
    assert f"/orders/{order}" not in noted


def test_every_time_on_the_pages_says_its_zone(shop, client, csrf):
    order = shop.closed_order()

    pages = [
        client.get(path).text
        for path in (f"/orders/{order}", "/orders", "/ipns", f"/orders/{order}/history")
    ]

    for page in pages:
        times = re.findall(
            r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d| UTC)?", page
        )
        assert times
        assert all(t.endswith((" UTC", "Z")) for t in times), times


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/refunds?order=NO-SUCH-ORDER", "Nothing is waiting on Amazon."),
        ("/refunds?state=all&order=NO-SUCH-ORDER", "No refund matches."),
        ("/orders?q=no+such+order", "No order matches."),
    ],
)
def test_an_empty_list_says_so_in_words_and_nothing_else(client, csrf, path, says):
    page = client.get(path).text

    panel = page[page.index('<section class="panel">') :]
    assert says in panel
    assert re.sub(r"<[^>]+>|\s+", " ", panel).split() == says.split()


def test_an_unknown_order_is_a_404_page_in_the_layout(client, csrf):
    answer = client.get("/orders/NO-SUCH-ORDER")

    assert answer.status_code == 404
    assert "There is no order &#39;NO-SUCH-ORDER&#39;" in answer.text
    assert "Log out" in answer.text


def test_the_diagram_fills_the_states_the_items_are_in(shop, client, csrf):
    order = shop.closed_order()

    svg = client.get(f"/orders/{order}/diagram").text

    assert svg.startswith("<svg")
    assert "4 item(s) here" in svg  # the four items are closed (shipping is no item)


def test_the_orders_list_finds_an_order_by_part_of_its_reference(shop, client, csrf):
    order = shop.closed_order()

    listed = client.get("/orders", params={"q": order[:-1]}).text
    exact = client.get("/orders", params={"q": order})
    none = client.get("/orders", params={"q": "no such order"}).text

    assert f'href="/orders/{order}"' in listed
    assert exact.headers["location"] == f"/orders/{order}"
    assert "No order matches" in none


def test_a_bad_filter_is_named_on_the_page_instead_of_failing(client, csrf):
    answer = client.get("/orders", params={"from": "yesterday", "page": "0"})

    assert answer.status_code == 200
    assert "from: &#39;yesterday&#39; is not a date" in answer.text
    assert "page: &#39;0&#39; is not a page number" in answer.text


def test_refunds_waiting_show_their_age_and_check_now_asks_amazon(shop, client, csrf):
    order = shop.closed_order()
    [refund] = shop.app.refunds.request(order, ["mug-2"], actor="test")
    shop.work()
    shop.amazon.sim.faults.update({"drop_ipns": 1})
    shop.amazon.advance(REFUND_SETTLES)  # Amazon settles it; its IPN is lost

    waiting = client.get("/refunds").text
    checked = client.post(f"/refunds/{refund.reference_id}/check", data={"csrf_token": csrf})
    after = client.get(checked.headers["location"]).text

    row = _rows(waiting, "refund")[refund.reference_id]
    assert "pending" in row
    assert "1 min" in row  # requested a minute of Amazon's time ago
    assert "Check now" in row
    assert f"Amazon was asked about {refund.reference_id}: it is <strong>completed" in after
    assert refund.reference_id not in _rows(after, "refund")


def test_a_refund_unsettled_past_the_limit_is_marked_stuck(shop, client, csrf, monkeypatch):
    monkeypatch.setattr(shop.app.poller, "stuck_after", timedelta(seconds=30))
    order = shop.closed_order()
    [old] = shop.app.refunds.request(order, ["mug-1"], actor="test")
    shop.work()
    shop.amazon.clock.advance(45)  # our time moves on; Amazon has not settled it yet
    [young] = shop.app.refunds.request(order, ["mug-2"], actor="test")

    rows = _rows(client.get("/refunds").text, "refund")

    assert "stuck" in rows[old.reference_id]
    assert "stuck" not in rows[young.reference_id]


def test_the_history_and_the_ipn_log_show_amazons_notifications(shop, client, csrf):
    order = shop.closed_order()

    history = client.get(f"/orders/{order}/history").text
    only_ipns = client.get(f"/orders/{order}/history", params={"kind": "ipn"}).text
    log = client.get("/ipns").text

    assert "Authorize (attempt 1): " in history
    assert "IPN PaymentAuthorize: open" in only_ipns
    assert "Authorize (attempt" not in only_ipns
    assert f'href="/orders/{order}"' in log
