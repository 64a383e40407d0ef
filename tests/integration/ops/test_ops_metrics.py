"""/metrics: Prometheus's text format, with numbers read from the database at scrape time and
counted by this process (IPNs, throttling waits), on an app's own registry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from opskit import metrics_of, order_spec, samples, value
from starlette.requests import Request

from amzpay.amazonpay.gateway import PaymentState
from amzpay.amazonpay.throttle import Quota, Throttle
from amzpay.web.metrics import ipn_received, ipn_rejected
from shop import FakeShop, make_shop


@pytest.fixture
def shop(database_url):
    with make_shop(database_url, spec=order_spec) as made:
        yield made


def _request(shop: FakeShop) -> Request:
    return Request({"type": "http", "app": shop.web, "method": "POST", "headers": []})


def test_a_pending_refund_shows_in_the_refunds_by_state_and_in_the_pending_age(shop):
    order = shop.closed_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    shop.clock.advance(timedelta(minutes=10))

    found = metrics_of(shop)

    assert value(found, "amzpay_database_up") == 1
    assert value(found, "amzpay_refunds", state="pending") == 1
    assert value(found, "amzpay_refunds_unsettled") == 1
    assert value(found, "amzpay_refunds_unsettled_oldest_age_seconds") == 600
    assert value(found, "amzpay_refunds_unsettled_age_seconds_bucket", le="300") == 0
    assert value(found, "amzpay_refunds_unsettled_age_seconds_bucket", le="1800") == 1
    assert value(found, "amzpay_refunds_unsettled_age_seconds_bucket", le="+Inf") == 1


def test_amazon_api_calls_are_counted_by_operation_and_outcome_from_the_call_log(shop):
    order = shop.closed_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()

    found = metrics_of(shop)

    assert value(found, "amzpay_amazon_api_calls_total", operation="Authorize", outcome="ok") == 1
    assert value(found, "amzpay_amazon_api_calls_total", operation="Capture", outcome="ok") == 1
    assert value(found, "amzpay_amazon_api_calls_total", operation="Refund", outcome="ok") == 1
    assert value(found, "amzpay_amazon_api_calls_total", operation="Refund", outcome="failed") == 0
    # Authorize, capture, close the order reference, refund: each a command, each done once.
    assert value(found, "amzpay_jobs", status="done") == 4
    assert value(found, "amzpay_jobs", status="failed") == 0
    assert value(found, "amzpay_jobs", status="due") == 0


def test_ipns_received_and_rejected_are_counted_by_kind_and_reason(shop):
    request = _request(shop)
    ipn_received(request, "PaymentRefund")
    ipn_received(request, "PaymentRefund")
    ipn_rejected(request, "signature")
    ipn_rejected(request, "a reason with spaces and far too much to be a label")

    found = metrics_of(shop)

    assert value(found, "amzpay_ipns_received_total", kind="PaymentRefund") == 2
    assert value(found, "amzpay_ipns_rejected_total", reason="signature") == 1
    assert value(found, "amzpay_ipns_rejected_total", reason="other") == 1


def test_each_app_counts_on_its_own_registry(shop, sqlite_url):
    ipn_received(_request(shop), "PaymentCapture")

    with make_shop(sqlite_url.replace("amzpay.db", "other.db")) as other:
        assert value(metrics_of(other), "amzpay_ipns_received_total", kind="PaymentCapture") == 0
    assert value(metrics_of(shop), "amzpay_ipns_received_total", kind="PaymentCapture") == 1


def test_throttling_waits_of_this_process_are_counted_with_their_seconds(shop):
    now = [0.0]
    throttle = Throttle(
        {"Refund": Quota(1, 2.0)}, clock=lambda: now[0], sleep=lambda _: None,
        tally=shop.app.throttle_waits,
    )  # fmt: skip
    throttle.acquire("Refund")  # the bucket's one token: no wait
    throttle.acquire("Refund")  # waits 2 s
    throttle.acquire("Refund")  # waits 4 s (queued behind the one before)

    found = metrics_of(shop)

    assert value(found, "amzpay_amazon_throttle_waits_total", operation="Refund") == 2
    assert value(found, "amzpay_amazon_throttle_wait_seconds_total", operation="Refund") == 6


def test_mails_are_counted_by_status(shop):
    order = shop.closed_order()
    shop.app.refunds.request(order, ["L1-1"], actor="staff")
    shop.work()
    (refund,) = shop.app.refunds.refunds(order)
    shop.amazon.settle(refund.amazon_id, PaymentState.DECLINED, "AmazonRejected")
    shop.clock.advance(timedelta(minutes=2))  # the poll asks Amazon
    shop.work()

    found = metrics_of(shop)

    # No SMTP host is configured: the staff's mail about the decline waits in the outbox.
    assert value(found, "amzpay_refunds", state="declined") == 1
    assert value(found, "amzpay_refunds_unsettled") == 0
    assert value(found, "amzpay_refunds_unsettled_oldest_age_seconds") == 0
    assert value(found, "amzpay_mails", status="due") >= 1
    assert value(found, "amzpay_mails", status="sent") == 0


def test_the_page_is_prometheus_text(shop):
    answer = shop.http.get("/metrics")

    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert samples(answer.text)


def test_stored_ipns_are_counted_by_what_became_of_them(shop):
    now = shop.clock()
    with shop.app.database.transaction() as tx:
        for number in range(5):
            tx.receive_ipn(f"message-{number}", "PaymentRefund", "{}", now)
        tx.mark_ipn_processed("message-1", now, None)
        tx.mark_ipn_processed("message-2", now, "PaymentRefund: type or state not read")
        tx.retry_ipn("message-3", now + timedelta(minutes=1), "attempt 1 failed: KeyError()")
        tx.mark_ipn_processed("message-4", now, "failed after 5 attempts: KeyError()")

    found = metrics_of(shop)

    for state in ("waiting", "applied", "noted", "retrying", "failed"):
        assert value(found, "amzpay_ipn_inbox", state=state) == 1, state
