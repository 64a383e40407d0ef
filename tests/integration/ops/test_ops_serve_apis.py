"""``amzpay serve --simulator`` speaks both of Amazon's APIs: the mounted simulator serves the
legacy API and API v2, and the served shop has both adapters, so a legacy order and a v2 order
are charged, captured and refunded side by side, each through its own API."""

from __future__ import annotations

import httpx
from opskit import order_spec, samples, value
from servekit import Served, environment, free_port, served, wait_for

from amzpay.amazonpay.v2.client import PaymentIntent, V2Client
from amzpay.amazonpay.v2.keys import read_private_key
from amzpay.amazonpay.v2.regions import Endpoint
from amzpay.amazonpay.v2.signing import Signer
from amzpay.bootstrap import App, build
from amzpay.cli.sandbox import PREFIX, sandbox_settings, sandbox_v2_key
from amzpay.config import Settings
from amzpay.domain.money import Money
from amzpay.domain.order import AmazonApi
from amzpay.processes.catalog import SYNC, V2_SYNC  # captured at once: closed in seconds

TOTAL = Money(9388, "EUR")  # order_spec's two mugs, tea set and delivery


def charge_permission(server: Served, settings: Settings, http: httpx.Client) -> str:
    """A buyer's completed v2 checkout at the served simulator, as the shop's pages and the
    buyer would leave it."""
    key_id, key_file = sandbox_v2_key(settings)
    client = V2Client(
        http, Endpoint.at(server.url + PREFIX), Signer(key_id, read_private_key(key_file))
    )
    session = client.create_checkout_session(
        review_return_url=f"{server.url}/shop/review",
        store_id="amzn1.application-oa2-client.serve",
        reference_id="serve-checkout-1",
    ).checkout_session_id
    client.update_checkout_session(
        session,
        checkout_result_return_url=f"{server.url}/shop/result",
        charge_amount=TOTAL,
        payment_intent=PaymentIntent.CONFIRM,
    )
    buyer = server.post(
        f"{PREFIX}/_sim/v2/checkout-sessions/{session}/buyer", json={"card": "visa"}
    )
    assert buyer.status_code < 300, buyer.text
    done = client.complete_checkout_session(session, TOTAL, reference_id="serve-complete-1")
    assert done.charge_permission_id is not None
    return done.charge_permission_id


def refunded_pending(shop: App, order: str) -> None:
    def closed() -> bool:
        with shop.database.read() as tx:
            return set(tx.item_states(order).values()) == {"closed"}

    wait_for(f"order {order} to be captured and closed", closed)
    shop.refunds.request(order, ["L1-1"], actor="staff")
    wait_for(
        f"Amazon to answer the refund of {order}",
        lambda: [r.state for r in shop.refunds.refunds(order)] in (["pending"], ["completed"]),
    )


def test_serve_in_simulator_mode_takes_a_legacy_and_a_v2_order_each_through_its_api(
    sqlite_url, tmp_path
):
    port = free_port()
    env = environment(DATABASE_URL=sqlite_url, AMAZON__SIMULATOR="true", WEB__PORT=str(port))
    with served(env, tmp_path) as server, httpx.Client(timeout=10) as http:
        settings = sandbox_settings(Settings.load(env), server.url)
        shop = build(settings)
        try:
            buyer = server.post(f"{PREFIX}/_sim/order-references", json={})
            legacy_spec = order_spec() | {
                "amazon_order_reference_id": buyer.json()["AmazonOrderReferenceId"]
            }
            legacy = shop.orders.import_order(legacy_spec, process=SYNC, confirm=True)
            v2_spec = order_spec() | {
                "amazon_order_reference_id": charge_permission(server, settings, http)
            }
            v2 = shop.orders.import_order(v2_spec, process=V2_SYNC, api=AmazonApi.V2)
            for order in (legacy, v2):
                refunded_pending(shop, order)
            found = samples(server.get("/metrics").text)
        finally:
            shop.close()

    calls = "amzpay_amazon_api_calls_total"
    for operation in ("Authorize", "Refund", "CreateCharge", "CreateRefund"):
        assert value(found, calls, operation=operation, outcome="ok") == 1, operation
